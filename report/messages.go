package report

// Vietnamese texts of the problems a message can have. Each names the part
// of the message it is about between quotes.
const (
	msgUnknownSuggest  = "'%s' không rõ — có phải %s?"
	msgUnknown         = "'%s' không rõ."
	msgNoValue         = "'%s' thiếu số liệu."
	msgOrphan          = "Số '%s' không rõ là của mục nào."
	msgNegative        = "'%s': số liệu không được âm."
	msgNotInteger      = "'%s' không phải số nguyên."
	msgBadNumber       = "'%s' không phải số hợp lệ."
	msgPercent         = "'%s' là tỷ lệ — cần báo số lượng."
	msgTooBig          = "'%s': %s vượt quá mức tối đa %s."
	msgTooBigNoMax     = "'%s': số quá lớn."
	msgTooSmall        = "'%s': %s dưới mức tối thiểu %s."
	msgDuplicate       = "'%s': %s đã báo %s ở trên, nay lại là %s."
	msgSubOverParent   = "'%s': %s (%s) lớn hơn %s (%s)."
	msgBadDate         = "'%s' không phải ngày hợp lệ."
	msgFutureDate      = "'%s': ngày %s chưa tới, không nhận báo cáo trước."
	msgOldDate         = "'%s': ngày %s đã quá %d ngày, không nhận báo cáo."
	msgTwoDates        = "'%s': tin có hai ngày khác nhau (%s và %s)."
	msgTwoUnits        = "'%s': tin nêu hai đơn vị khác nhau (%s và %s), mỗi tin chỉ báo cáo cho một đơn vị."
	msgNothing         = "Không thấy số liệu nào để ghi nhận (ví dụ: %s=3)."
	msgNoSuchUnit      = "'%s': không tìm thấy đơn vị này — ghi tên đầy đủ hoặc mã đơn vị (ví dụ 03418), hoặc bỏ tên để báo cho đơn vị mình."
	msgOutside         = "'%s' không có trong bộ chỉ tiêu, không ghi nhận."
	msgOutsideNamed    = "'%s' (%s) không có trong bộ chỉ tiêu, không ghi nhận."
	msgOnlyAside       = "Chỉ thấy số không ghi nhận ('%s'), không có số liệu trong ngày."
	msgCollectMismatch = "'%s': cộng các mũi được %[3]s, khác tổng %[2]s đã báo là %[4]s."
	msgBadBytes        = "Tin có ký tự lỗi, không đọc được ở '%s' — xin gửi lại."
	msgOfWhich         = "'%s': mũi của trẻ ghi là một phần của số mũi trước đó — mũi 1–4 là mũi người lớn; xin báo riêng mũi người lớn và mũi của trẻ, không lồng vào nhau."
	msgLostGroup       = "'%s': không rõ là mũi của nhóm nào (trẻ hay người lớn) — ghi rõ 'người lớn' hoặc 'trẻ 5-11 tuổi', 'trẻ 12-17 tuổi' trước các mũi."
	msgPeriod          = "'%s': số liệu nhiều ngày — báo cáo theo từng ngày, xin gửi số liệu của một ngày."
	msgVagueDay        = "'%s': không rõ là ngày nào — ghi 'hôm nay', 'hôm qua' hoặc ngày (ví dụ 8/11)."
	msgNewsMixed       = "'%s': số liệu của nơi khác (tin tức), không phải của đơn vị — xin gửi riêng báo cáo của đơn vị."

	// A report the store refuses (Input.Validate).
	msgInputNoValues    = "Báo cáo không có số liệu nào."
	msgInputValueTooBig = "Số liệu %s = %d vượt quá giới hạn cho phép (±%d)."
	msgInputNoDay       = "Chưa có ngày báo cáo."
)
