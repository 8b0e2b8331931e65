package bot

// Messages of the outbox's configuration checks, which an operator sees
// when a platform's limits in the configuration are wrong.
const (
	msgLimitPerSecond = "Giới hạn gửi tin per_second phải lớn hơn 0 (hiện là %v)."
	msgLimitPerChat   = "Giới hạn gửi tin per_chat_per_second phải lớn hơn 0 (hiện là %v)."
	msgLimitPerGroup  = "Giới hạn gửi tin per_group_per_minute phải lớn hơn 0 (hiện là %d)."
)
