package directive

// Every text of this package that a user may see. Problem messages quote
// the part of the lead's message they are about in «…».
const (
	msgEmptyBody        = "Chỉ đạo chưa có nội dung: hãy viết nội dung sau /chidao."
	msgDeadlineUnclear  = "Không hiểu hạn «%s»: hãy viết ví dụ «hạn 16h thứ Sáu», «hạn 20/11 17:00» hoặc «trong 12 giờ»."
	msgDeadlinePast     = "Hạn «%s» (%s) đã qua."
	msgDeadlineBadDate  = "Ngày «%s» không có trong lịch."
	msgDeadlineBadTime  = "Giờ «%s» không hợp lệ (giờ 0–23, phút 0–59)."
	msgDeadlineWeekday  = "Ngày %s là %s, không phải %s."
	msgDeadlineTwice    = "Có hai hạn trong chỉ đạo: «%s» và «%s». Chỉ ghi một hạn."
	msgDeadlineTooLong  = "Thời hạn «%s» quá dài (tối đa 366 ngày)."
	msgRefTwice         = "Có hai số văn bản: «%s» và «%s». Chỉ ghi một số."
	msgTargetTwice      = "Có hai cách chọn nơi nhận: «%s» và «%s». Chỉ ghi một."
	msgTargetAmbiguous  = "Không rõ «%s» ở cuối chỉ đạo là nơi nhận hay nội dung: nếu là nơi nhận, hãy tách bằng dấu phẩy («…, các xã»); nếu là nội dung, hãy ghi rõ nơi nhận, ví dụ «…, toàn bộ»."
	msgTargetUnclear    = "Không hiểu nơi nhận «%s»: hãy viết ví dụ «gửi: xã Bản Giang, 03421», «1 cấp», «các xã» hoặc «chỉ các phường»; nếu đó là nội dung, hãy ghi rõ nơi nhận, ví dụ «…, toàn bộ»."
	msgTargetEmptyUnits = "Chưa ghi đơn vị nhận sau «%s»: hãy viết ví dụ «gửi: xã Bản Giang, 03421»."

	// Target descriptions (Target.String).
	descAll      = "toàn bộ cấp dưới"
	descChildren = "cấp dưới trực tiếp"
	descLevels   = "các %s"

	// Progress.
	progSent     = "Đã gửi %d/%d %s %d%%"
	progAcked    = "Đã nhận %d/%d (%d%%)"
	progResults  = "kết quả %d/%d"
	progFailed   = "lỗi %d"
	progSep      = " · "
	progDone     = "Thời gian gửi: %s"
	progNoTarget = "Không có đơn vị nào để gửi."
	barFull      = "▓"
	barEmpty     = "░"

	// Durations (FormatDuration).
	durUnderSecond = "dưới 1 giây"
	durDay         = "ngày"
	durHour        = "giờ"
	durMinute      = "phút"
	durSecond      = "giây"

	// Deadlines (FormatDeadline): "16:00 thứ Sáu 26/11/2021".
	deadlineLayout = "%02d:%02d %s %02d/%02d/%04d"

	// A directive that cannot be created (Validate, CheckID, UniqueTargets).
	msgInvalidID = "Mã chỉ đạo %q không hợp lệ (ví dụ: CD-12-0042)."
	msgNoIssuer  = "Chỉ đạo %s chưa có đơn vị ban hành."
	msgNoTargets = "Chỉ đạo %s không có đơn vị nhận."
	msgBadState  = "Trạng thái %q không dùng được khi tạo chỉ đạo (cần pending hoặc active)."
)

// weekdayNames are the Vietnamese names of the days, as written in dispatches.
var weekdayNames = [7]string{"Chủ nhật", "thứ Hai", "thứ Ba", "thứ Tư", "thứ Năm", "thứ Sáu", "thứ Bảy"}

// levelNames gives the display form of each folded level word.
var levelNames = map[string]string{
	"xa": "xã", "phuong": "phường", "thi tran": "thị trấn", "dac khu": "đặc khu",
	"huyen": "huyện", "quan": "quận", "thi xa": "thị xã", "thanh pho": "thành phố",
	"tinh": "tỉnh", "chot": "chốt", "thon": "thôn", "ap": "ấp",
	TierCommune: "xã, phường, thị trấn", TierDistrict: "huyện, quận, thị xã, thành phố", TierProvince: "tỉnh, thành phố",
}
