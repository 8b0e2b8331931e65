package zalo

// User-facing texts of the adapter, in one place.

const (
	// msgFileNotSent is added to a message whose attachment (%s: the file
	// name) cannot travel over Zalo: a document, or a picture while the bot
	// has no public URL to offer it under.
	msgFileNotSent = "(Tệp %s không gửi được qua Zalo; xem trên Telegram hoặc hỏi quản trị.)"

	// msgSecretLength refuses a webhook secret the platform would refuse.
	msgSecretLength = "Khóa bí mật của webhook Zalo phải dài từ 8 đến 256 ký tự (hiện có %d)."

	// msgWebhookURL refuses an empty webhook address.
	msgWebhookURL = "Cần địa chỉ webhook (URL) để đăng ký với Zalo."

	// msgNotZaloChat refuses a message addressed to another platform's chat.
	msgNotZaloChat = "Cuộc trò chuyện %s không thuộc Zalo."
)
