package digest

// Every text of the digest a user reads.
const (
	// header opens the first part: day, unit title in capitals.
	header = "📊 TỔNG HỢP NGÀY %s — %s"
	// continued opens every later part: unit title, day, part, parts.
	continued = "📊 %s — %s (tiếp, phần %d/%d)"
	// headingMore follows a section heading repeated in a later part.
	headingMore = " (tiếp)"

	headFigures    = "SỐ LIỆU TRONG NGÀY (so với hôm qua)"
	headTop        = "ĐƠN VỊ NHIỀU F0 MỚI NHẤT"
	headProgress   = "TIẾN ĐỘ BÁO CÁO"
	headMissing    = "⏳ CHƯA BÁO CÁO (%d đơn vị)"
	headAlerts     = "⚠️ CẢNH BÁO TRONG NGÀY (%d)"
	headDirectives = "CHỈ ĐẠO ĐANG THEO DÕI (%d)"
	headCoverage   = "ĐƠN VỊ DƯỚI NGƯỠNG TIÊM CHỦNG (%d)"

	noFigures = "Chưa có số liệu trong ngày."

	// flow: label, today, change in brackets, 7-day total, cumulative.
	figureFlow = "• %s: %s%s, 7 ngày %s, cộng dồn %s%s"
	// stock: label, current value, change in brackets.
	figureStock = "• %s: %s%s%s"
	// changeBracket: the change after the value, left out when nobody
	// reported the element (there is no figure to compare).
	changeBracket = " (%s)"
	changeUp      = "tăng %s"
	changeDown    = "giảm %s"
	changeNone    = "không đổi"
	// changeUnknown: no unit gave the element both days.
	changeUnknown = "chưa so sánh được với hôm qua"
	// notReported stands for the value of an element nobody reported.
	notReported = "chưa có báo cáo"
	// reportedOf: units that gave a flow of those expected.
	reportedOf = " — %d/%d đơn vị báo cáo"
	// carriedFrom: units whose stock is their last report, from a day.
	carriedFrom = " — gồm số cũ của %d đơn vị, từ %s"

	topLine       = "%d. %s: %s"
	progressLine  = "Đã báo cáo %d/%d đơn vị (%s), đúng hạn %d/%d."
	progressAll   = "Tất cả đơn vị đã báo cáo."
	bullet        = "• %s"
	alertLine     = "• %s: %s"
	directiveLine = "• %s %s — đã nhận %d/%d (%s)"
	coverageLine  = "• %s — %s: %s (ngưỡng %s)"

	// more closes a cut list: how many were left out, where to see them.
	moreUnits      = "… và %d đơn vị khác — xem /tonghop"
	moreAlerts     = "… và %d cảnh báo khác — xem /tonghop"
	moreDirectives = "… và %d chỉ đạo khác — xem /tonghop"
	moreLocalities = "… và %d đơn vị khác — xem /tonghop"

	// Compact form, for /tonghop.
	summaryHeader         = "📊 %s — %s"
	summaryFlow           = "%s: %s%s, 7 ngày %s, cộng dồn %s%s"
	summaryStock          = "%s: %s%s%s"
	summaryProgress       = "Báo cáo: %d/%d đơn vị (%s), đúng hạn %d/%d."
	summaryMissing        = "Chưa báo cáo (%d): "
	summaryTop            = "Nhiều F0 mới nhất: "
	summaryTopItem        = "%s (%s)"
	summaryAlerts         = "Cảnh báo (%d): "
	summaryAlertItem      = "%s — %s"
	summaryDirectives     = "Chỉ đạo (%d): "
	summaryDirItem        = "%s %s — đã nhận %d/%d"
	summaryCoverage       = "Dưới ngưỡng tiêm chủng (%d): "
	summaryCovItem        = "%s (%s) %s/%s"
	summaryMoreUnits      = "và %d đơn vị khác"
	summaryMoreAlerts     = "và %d cảnh báo khác"
	summaryMoreDirectives = "và %d chỉ đạo khác"
	summaryMoreLocalities = "và %d đơn vị khác"
	listSep               = "; "
	listEnd               = "."
	ellipsis              = "…"
)
