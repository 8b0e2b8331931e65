package export

// Every text a user sees in an exported file or in an error about one.
const (
	sheetDaily     = "Số liệu theo ngày"
	sheetAggregate = "Số liệu tổng hợp"
	sheetLevels    = "Tổng hợp theo cấp"
	// sheetWeekly is followed by the week, e.g. "Tuần 01.11–07.11.2021".
	sheetWeekly = "Tuần %s–%s"

	headDay      = "Ngày"
	headFrom     = "Từ ngày"
	headTo       = "Đến ngày"
	headCode     = "Mã"
	headUnit     = "Đơn vị"
	headLevel    = "Cấp"
	headUnits    = "Số đơn vị có số liệu"
	rowTotal     = "Tổng cộng"
	levelUnknown = "(không rõ cấp)"
	// weeklyTitle is the first line of a weekly sheet: title, first and
	// last day.
	weeklyTitle     = "%s — tuần từ %s đến %s"
	weeklyTitleBare = "Tuần từ %s đến %s"

	errCSVEmpty      = "Tệp CSV trống: thiếu dòng tiêu đề."
	errCSVHeader     = "Dòng tiêu đề CSV phải bắt đầu bằng %q (nhận %q)."
	errCSVNoCodes    = "Dòng tiêu đề CSV không có cột chỉ tiêu nào sau %q."
	errCSVCode       = "Cột %d của dòng tiêu đề: mã chỉ tiêu %q không hợp lệ."
	errCSVDupCode    = "Mã chỉ tiêu %q xuất hiện hai lần trong dòng tiêu đề."
	errCSVRead       = "Dòng %d của tệp CSV không đọc được: %s"
	errCSVDate       = "Dòng %d: ngày %q không hợp lệ (cần YYYY-MM-DD hoặc YYYY-MM-DD..YYYY-MM-DD)."
	errCSVPeriod     = "Dòng %d: khoảng ngày %q có ngày đầu sau ngày cuối."
	errCSVUnit       = "Dòng %d: thiếu mã đơn vị."
	errCSVValue      = "Dòng %d, cột %q: giá trị %q không phải số nguyên."
	errTooManyRows   = "Bảng có %d dòng, quá giới hạn %d dòng của Excel: hãy chọn khoảng ngày ngắn hơn hoặc xuất CSV."
	errUnknownValue  = "Dòng %d (đơn vị %s): có giá trị cho chỉ tiêu %q không có trong danh sách cột."
	errRowUnit       = "Dòng %d: thiếu mã đơn vị."
	errRowDay        = "Dòng %d (đơn vị %s): thiếu ngày."
	errRowPeriod     = "Dòng %d (đơn vị %s): khoảng ngày %s..%s có ngày đầu sau ngày cuối."
	errNoColumns     = "Bảng không có cột chỉ tiêu nào."
	errDupColumn     = "Mã chỉ tiêu %q xuất hiện hai lần trong danh sách cột."
	errBadColumnCode = "Mã chỉ tiêu %q không hợp lệ (trống hoặc có khoảng trắng)."
	errWeeklyPeriod  = "Bảng tuần: ngày đầu %s sau ngày cuối %s."
)
