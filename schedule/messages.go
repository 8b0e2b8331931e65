package schedule

// Messages of the errors an operator sees when a schedule in the
// configuration is wrong. Log lines stay in English like every other log
// of the bot.
const (
	msgBadAt = "Thời gian %q không hợp lệ: cần giờ hằng ngày (\"17:00\", \"17h30\") " +
		"hoặc thứ và giờ hằng tuần (\"thứ 5 17:00\", \"t5 17:00\", \"thu 17:00\")."
	msgBadSpec = "Lịch %q của việc %q không hợp lệ: cần biểu thức cron 5 trường " +
		"(phút giờ ngày tháng thứ) theo giờ %s, ví dụ \"0 18 * * *\" là 18:00 hằng ngày (%v)."
	msgNoZone = "Lịch %q của việc %q không được tự đặt múi giờ: mọi giờ đều theo %s."
	msgEvery  = "Lịch %q của việc %q không hợp lệ: \"@every\" không gắn với giờ cố định " +
		"nên không chống chạy trùng được giữa các tiến trình; hãy dùng giờ cụ thể."
	msgNever    = "Lịch %q của việc %q không bao giờ tới."
	msgBadName  = "Tên việc %q không hợp lệ: cần 1–64 ký tự gồm chữ không dấu, chữ số và . _ : -."
	msgDupName  = "Việc %q đã có trong lịch."
	msgNoJob    = "Việc %q không có hàm để chạy."
	msgNotFound = "Không có việc %q trong lịch."
)
