package store

// Every text of this package that a user may see: the messages of the
// errors (chihuy.Errorf) the store returns for bad input or state.
const (
	// Directives: what a lead or a unit may see.
	msgDirectiveUnknown      = "Không có chỉ đạo %s."
	msgDirectiveExists       = "Chỉ đạo %s đã có."
	msgDirectiveNotTarget    = "Đơn vị %s không nằm trong danh sách nhận chỉ đạo %s."
	msgDirectiveCancelled    = "Chỉ đạo %s đã bị hủy."
	msgDirectiveClosed       = "Chỉ đạo %s đã kết thúc."
	msgDirectivePending      = "Chỉ đạo %s chưa được xác nhận gửi."
	msgDirectiveNoResult     = "Kết quả báo cáo cho chỉ đạo %s đang trống."
	msgDirectiveForwarded    = "Đơn vị %s đã chuyển tiếp chỉ đạo %s (thành %s)."
	msgDirectiveParentClosed = "Không thể chuyển tiếp: chỉ đạo %s đã bị hủy."

	// The outbox's input checks.
	msgKeyEmpty    = "Tin nhắn gửi đi thiếu khóa (Key)."
	msgKeyInvalid  = "Khóa tin nhắn %q không hợp lệ: tối đa %d byte UTF-8, không chứa xuống dòng."
	msgChatMissing = "Tin nhắn %q chưa có cuộc trò chuyện nhận (Chat)."
	msgPriority    = "Tin nhắn %q có mức ưu tiên không hợp lệ (%d)."
	msgEditSelf    = "Tin nhắn %q không thể sửa chính nó."
	msgPrefixEmpty = "Cần tiền tố khóa để hủy tin nhắn đang chờ gửi."

	// Reports and alerts.
	msgReportAlertTooBig   = "Giá trị cảnh báo %d vượt quá giới hạn cho phép (±%d)."
	msgReportNoDay         = "Chưa có ngày báo cáo."
	msgReportRangeReversed = "Khoảng ngày không hợp lệ: từ %s đến %s."

	// Chats, invites and held reports.
	msgChatUnbound   = "Cuộc trò chuyện %s chưa đăng ký đơn vị nào."
	msgInviteUnknown = "Mã mời %s không đúng hoặc đã được dùng."
	msgInviteExpired = "Mã mời %s đã hết hạn."
	msgHoldID        = "Mã báo cáo chờ %q không hợp lệ."
	msgHoldGone      = "Báo cáo chờ %s không còn (đã trả lời hoặc đã hết hạn)."
	msgHoldExpired   = "Báo cáo chờ %s đã hết hạn."

	// A second live process with the same instance name.
	msgTwin = "Một tiến trình khác đang chạy với cùng tên instance %q trên kho này (nhịp tim của nó vẫn được gia hạn): mỗi tiến trình cần CHIHUY_INSTANCE riêng. / Another live process runs as instance %q on this store: give each process its own CHIHUY_INSTANCE."
)
