package chihuy

// User-facing texts of the root package: the errors of the Parse
// functions, which reach users where a command or a file names a chat, a
// person, a role or a day.
const (
	msgBadChatRef = "Nhóm %q không hợp lệ (cần nền_tảng:mã_nhóm, ví dụ telegram:-1001001)."
	msgBadUserRef = "Người dùng %q không hợp lệ (cần nền_tảng:mã_người_dùng, ví dụ telegram:1001)."
	msgBadRole    = "Vai trò %q không rõ: cần thành viên (member), lãnh đạo (lead) hoặc quản trị (admin)."
	msgBadDay     = "Ngày %q không hợp lệ (cần dạng YYYY-MM-DD)."
)
