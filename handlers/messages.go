package handlers

// Every text the handlers send, in Vietnamese, in one place.

const (
	msgUnbound = "Nhóm/cuộc trò chuyện này chưa được đăng ký với đơn vị nào.\n" +
		"Để đăng ký, lãnh đạo đơn vị cấp trên gõ /mamoi để lấy mã mời, rồi gõ tại đây:\n" +
		"/dangky <mã mời>\n" +
		"Gõ /help để xem hướng dẫn."
	msgDangkyUsage  = "Cách dùng: /dangky <mã mời>. Mã mời do lãnh đạo cấp trên tạo bằng lệnh /mamoi."
	msgInviteBad    = "Mã mời %q không đúng, đã dùng hoặc đã hết hạn. Xin mã mới từ lãnh đạo cấp trên (/mamoi)."
	msgBoundGroup   = "✅ Nhóm này đã được đăng ký cho %s (%s).\nMọi thành viên trong nhóm có thể báo cáo số liệu và xác nhận chỉ đạo."
	msgBoundPrivate = "✅ Bạn đã đăng ký nhận tin và báo cáo cho %s (%s) qua cuộc trò chuyện riêng này."
	msgRebound      = "\nTrước đây cuộc trò chuyện này gắn với %s."
	msgUnboundDone  = "Đã hủy đăng ký: cuộc trò chuyện này không còn gắn với %s (%s)."
	msgNotBound     = "Cuộc trò chuyện này chưa gắn với đơn vị nào."
	msgNeedLead     = "Lệnh này chỉ dành cho lãnh đạo của đơn vị."
	// msgPseudoNeedsPerson answers a lead action sent as an anonymous
	// admin or on behalf of a channel.
	msgPseudoNeedsPerson = "Tin nhắn gửi dưới danh nghĩa nhóm hoặc kênh (quản trị viên ẩn danh, bài của kênh) chỉ có quyền của nhóm. " +
		"Lệnh này cần tài khoản cá nhân: hãy tắt chế độ ẩn danh rồi gửi lại từ tài khoản của anh/chị."
	// msgEditedCommand answers an edited command, which is not run again.
	msgEditedCommand = "Lệnh đã sửa không được chạy lại. Muốn thực hiện lệnh mới, hãy gửi một tin nhắn mới."
	msgOutOfScope    = "Bạn không có quyền với %s: đơn vị này nằm ngoài phạm vi của bạn."
	msgUnitUnknown   = "Không tìm thấy đơn vị %q. Hãy ghi mã đơn vị (ví dụ 03418) hoặc tên đầy đủ."
	msgUnitAmbiguous = "Tên %q trùng với nhiều đơn vị, hãy ghi mã:\n%s"
	msgNoChildren    = "%s (%s) không có đơn vị cấp dưới. Ghi mã đơn vị cần mời, ví dụ: /mamoi 03418"
	msgInvitesHead   = "🔑 Mã mời (dùng một lần, hết hạn %s). Gửi mỗi mã cho đơn vị tương ứng; tại nhóm của đơn vị gõ /dangky <mã>:"
	msgInviteLine    = "• %s (%s): %s"
	msgTooManyInvite = "Tối đa %d mã mỗi lần. Hãy ghi cụ thể các đơn vị, hoặc dùng lệnh `chihuy invite` trên máy chủ."

	msgCapquyenUsage = "Cách dùng: /capquyen <nền tảng:mã người dùng> <vai trò> [đơn vị].\n" +
		"Mã người dùng: người đó gõ /toi để xem.\n" +
		"Vai trò: thanhvien (thành viên), lanhdao (lãnh đạo), quantri (quản trị); thuhoi để thu hồi quyền.\n" +
		"Ví dụ: /capquyen telegram:2002 lanhdao 106"
	msgCapquyenDone = "✅ Đã cấp quyền %s tại %s (%s) cho %s."
	msgCapquyenNone = "✅ Đã thu hồi quyền của %s tại %s (%s)."
	msgGrantTooHigh = "Bạn chỉ có thể cấp quyền lãnh đạo cho đơn vị cấp dưới, và không thể cấp quyền quản trị."
	msgGrantPseudo  = "Không thể cấp quyền cho %s: đây là tài khoản thay mặt nhóm hoặc kênh (quản trị viên ẩn danh, kênh liên kết), không phải một người. Hãy cấp quyền cho tài khoản cá nhân (người đó gõ /toi để xem mã)."
	msgRoleBad      = "Vai trò %q không rõ. Dùng: thanhvien, lanhdao hoặc quantri (thuhoi để thu hồi)."
	// msgRevokeTooHigh refuses a lead's revocation at their own unit.
	msgRevokeTooHigh = "Bạn chỉ có thể thu hồi quyền tại đơn vị cấp dưới; quyền tại %s do lãnh đạo cấp trên hoặc quản trị viên thu hồi."

	msgToiHead    = "👤 %s (%s)"
	msgToiChat    = "Cuộc trò chuyện này: %s — %s"
	msgToiNoChat  = "Cuộc trò chuyện này chưa đăng ký đơn vị nào."
	msgToiRoles   = "Vai trò của bạn:"
	msgToiRole    = "• %s tại %s (%s)"
	msgToiNoRoles = "Bạn chưa có vai trò nào được cấp riêng."
	msgToiBroken  = "⚠️ Cuộc trò chuyện này đang bị lỗi gửi tin (%s): hãy thêm lại bot hoặc đăng ký lại."

	msgUnknownCommand      = "Lệnh /%s không có. Gõ /help để xem các lệnh."
	msgUnknownCommandGuess = "Lệnh /%s không có — có phải /%s? Gõ /help để xem các lệnh."
	msgInternal            = "Lỗi hệ thống khi xử lý tin nhắn, xin thử lại sau ít phút."

	msgChatGoneParent = "⚠️ Không gửi được tin đến %s của %s (%s): %s. Đơn vị cần thêm lại bot vào nhóm hoặc đăng ký lại (/dangky)."
	msgPrivacyNote    = "\n\nLưu ý: bot đang ở chế độ riêng tư trong nhóm Telegram nên chỉ đọc được lệnh. Hãy báo cáo bằng /baocao …, hoặc nhờ quản trị tắt chế độ riêng tư (BotFather /setprivacy) hoặc đặt bot làm quản trị viên nhóm."
)

const (
	msgBadDate    = "Ngày %02d/%02d/%d không hợp lệ."
	msgFutureDate = "Ngày %s chưa tới."
)

const (
	msgNotAReport   = "Tôi chưa hiểu tin nhắn này. Để báo cáo, gõ ví dụ: F0 3, F1 25, cách ly tại nhà 30 — hoặc /baocao f0=3 f1=25. Gõ /help để xem hướng dẫn."
	msgBaocaoUsage  = "Cách báo cáo: gõ số liệu như vẫn viết, ví dụ F0 3 (cộng đồng 1), F1 25, cách ly tập trung 15, tại nhà 30 — hoặc /baocao f0=3 f1=25. Có thể ghi ngày, ví dụ «bc ngày 8/11 f0 3»."
	msgProblemsHead = "⚠️ Chưa ghi nhận báo cáo — có phần chưa rõ:"
	msgProblemsTail = "Xin gửi lại cả báo cáo sau khi sửa (chưa có số liệu nào được ghi)."
	msgEchoHead     = "✅ Đã ghi nhận báo cáo của %s, ngày %s:"
	msgEchoLine     = "• %s: %s"
	msgEchoReplaced = " (thay cho %s)"
	msgEchoSame     = " (không đổi)"
	msgEchoTotal    = "Báo cáo trong ngày hiện có %d chỉ tiêu. Gõ /sua để xem đầy đủ."
	msgAlert        = "🚨 CẢNH BÁO — %s, ngày %s:\n%s"
	msgAlerts       = "🚨 %d CẢNH BÁO — %s, ngày %s:\n%s"
	msgSuaNone      = "%s chưa có báo cáo ngày %s."
	msgSuaHead      = "📝 Báo cáo hôm nay của %s (%s), %d lần gửi:"
	msgSuaLine      = "• %s: %s  [%s]"
	msgSuaHow       = "Để sửa, gõ /sua mã=số mới, ví dụ: /sua f1=30 (số mới thay số cũ)."
)

const (
	msgExportRange   = "Khoảng ngày không hợp lệ: %s sau %s."
	msgExportTooLong = "Khoảng %d ngày quá dài (tối đa %d ngày)."
	msgXuatCaption   = "📎 Số liệu %s từ %s đến %s (%d dòng)."
)

// Directives.
const (
	btnAck     = "✅ Đã nhận"
	btnConfirm = "✅ Xác nhận gửi"
	btnAbort   = "✖ Hủy"

	msgCdProblems      = "⚠️ Chưa gửi chỉ đạo — có phần chưa rõ:"
	msgCdNoTargets     = "Không có đơn vị nào nhận chỉ đạo (%s)."
	msgCdNoSubunits    = "%s không có đơn vị cấp dưới nên không có nơi nào để gửi hay chuyển tiếp chỉ đạo."
	msgCdNoSubunitsAck = " Để báo đã nhận chỉ đạo %s, gõ /danhan %s."
	msgCdConfirm       = "📢 Chỉ đạo %s sẽ gửi tới %d đơn vị (%s), %d cuộc trò chuyện.%s\nXác nhận gửi? (bấm nút, hoặc gõ /xacnhan %s — hủy: /huy %s)"
	msgCdTargets       = ": %s"
	msgCdResultNeeded  = "\n📝 Yêu cầu báo cáo kết quả"
	msgCdHead          = "📢 CHỈ ĐẠO %s — %s"
	msgCdRef           = "\nSố: %s"
	msgCdDeadline      = "\n⏰ Hạn: %s"
	msgCdResultReq     = "\n📝 Yêu cầu báo cáo kết quả: /ketqua %s <nội dung>"
	msgCdAckByCommand  = "\n\nXác nhận đã nhận: gõ /danhan %s"
	msgCdProgressHead  = "📢 Chỉ đạo %s: %s\nGửi tới %d đơn vị"
	msgCdCancelledMark = " — ĐÃ HỦY"
	msgCdStatusHint    = "\nChi tiết: /trangthai %s"
	msgCdForged        = "Nút này không hợp lệ cho nhóm này."
	msgCdBadID         = "Mã chỉ đạo %q không hợp lệ (ví dụ: CD-12-0042)."
	msgCdAckAgain      = "Chỉ đạo %s đã được nhận từ trước."
	msgCdAckMark       = "\n\n✅ Đã nhận: %s lúc %s"
	msgCdAcked         = "✅ Đã ghi nhận: %[2]s đã nhận chỉ đạo %[1]s."
	msgDanhanUsage     = "Cách dùng: /danhan <mã chỉ đạo>, ví dụ /danhan CD-12-0042"
	msgKetquaUsage     = "Cách dùng: /ketqua <mã chỉ đạo> <nội dung kết quả>, ví dụ /ketqua CD-12-0042 Đã truy vết xong 25 F1"
	msgKetquaDone      = "📝 Đã ghi nhận kết quả chỉ đạo %s của %s."
	msgResultsHead     = "📝 Kết quả chỉ đạo %s: %d/%d đơn vị đã báo cáo"
	msgResultLine      = "• %s (%s): %s"
	msgMoreResults     = "… và %d đơn vị khác đã báo kết quả trước đó."
	msgTrangthaiUsage  = "Cách dùng: /trangthai <mã chỉ đạo>. Gõ /chidao để xem các chỉ đạo đang mở."
	msgStatusGroup     = "%s▸ %s — đã nhận %d/%d"
	msgStatusFailed    = "⚠️ không gửi được: %s"
	msgStatusUnacked   = "⏳ chưa nhận: %s"
	msgStatusNoResult  = "📝 chưa báo cáo kết quả: %s"
	msgStatusForward   = "↳ %s chuyển tiếp thành %s: đã nhận %d/%d"
	msgAndMore         = " … và %d đơn vị khác"

	msgStatusNeedHead      = "Cần đôn đốc:"
	msgStatusAllDone       = "✅ Tất cả đơn vị đã nhận và đã báo cáo đủ."
	msgStatusCancelled     = "❌ Chỉ đạo đã hủy%s, không còn đơn vị nào phải đôn đốc."
	msgStatusClosed        = "🏁 Chỉ đạo đã kết thúc%s, không còn đơn vị nào phải đôn đốc."
	msgStatusEndedAt       = " lúc %s"
	msgStatusUnackedShort  = " · chưa nhận: %s"
	msgStatusFailedShort   = " · lỗi gửi %d"
	msgStatusNoResultShort = " · chưa báo cáo kết quả %d"
	msgStatusMoreGroups    = "… và %d nhóm đơn vị khác"
	msgStatusForwards      = "↳ %d đơn vị đã chuyển tiếp xuống cấp dưới"
	msgStatusFullHint      = "Danh sách đầy đủ: /trangthai %s tatca"
	msgMoreNames           = " và %d đơn vị khác"
	msgHuycdUsage          = "Cách dùng: /huycd <mã chỉ đạo>"
	msgCdCancelledUnits    = "❌ Chỉ đạo %s của %s đã được HỦY: %s"
	msgCdCancelled         = "❌ Đã hủy chỉ đạo %s: %d tin chưa gửi đã được bỏ; %d đơn vị đã nhận được thông báo hủy."
	msgCdNotPending        = "Chỉ đạo %s không ở trạng thái chờ xác nhận."
	msgCdAborted           = "✖ Đã hủy, chỉ đạo %s không được gửi."
	msgCdConfirmed         = "✅ Đang gửi chỉ đạo %s tới %d đơn vị."
	msgCdNonePending       = "Không có chỉ đạo nào đang chờ xác nhận."
	msgChuyentiepUsage     = "Cách dùng: /chuyentiep <mã chỉ đạo> [nội dung thêm] [1 cấp | các xã] [hạn …]"
	msgCdForwardBody       = "(Chuyển tiếp chỉ đạo của %s, %s)\n%s"
	msgCdForwardedAlready  = "Đơn vị %s đã chuyển tiếp chỉ đạo %s (thành %s)."
	msgCdNoneOpen          = "%s không có chỉ đạo nào đang mở."
	msgCdOpenHead          = "📢 Chỉ đạo đang mở của %s (%d):"
	msgCdOpenLine          = "• %s: %s — đã nhận %d/%d%s"
	msgCdPendingMark       = " (chờ xác nhận)"
	msgCdOpenHint          = "Chi tiết: /trangthai <mã>; hủy: /huycd <mã>."
	msgCdReminder          = "⏰ NHẮC: chưa xác nhận đã nhận chỉ đạo %s:\n%s\nXác nhận: /danhan %s"
	msgCdDeadlineHead      = "⏰ ĐẾN HẠN chỉ đạo %s: %s"
	msgCdDeadlineAllOK     = "Tất cả đơn vị đã nhận và báo cáo kết quả."
	msgCdDeadlineUnacked   = "Chưa xác nhận đã nhận (%d): %s"
	msgCdDeadlineNoResult  = "Chưa báo cáo kết quả (%d): %s"
)

// Scheduled messages.
const (
	msgRemindReport = "⏰ Nhắc báo cáo: đơn vị chưa gửi số liệu %s. Hạn %s. Gõ ví dụ: F0 0, F1 0, xét nghiệm 120 — hoặc /baocao f0=0."
	msgLateList     = "⏰ Quá hạn báo cáo %s — %d/%d đơn vị chưa báo cáo: %s"
	msgChartCaption = "📈 Xu hướng 7 ngày — %s"
	msgWeeklyTitle  = " — kết quả phòng, chống dịch"
	msgWeeklyHead   = "📅 TỔNG HỢP TUẦN %s (%s – %s), theo đơn vị trực thuộc:"
	msgWeeklyFile   = "📎 Bảng tổng hợp tuần của %s (%s – %s)."
)

const msgTua = "⏩ (bản demo) Đang tua đồng hồ tới %s: nhắc báo cáo, danh sách chậm, tổng hợp và nhắc chỉ đạo sẽ đến theo giờ."

const (
	msgJoined        = "👋 Chào các đồng chí! Tôi là bot chỉ huy phòng, chống dịch: ghi nhận báo cáo số liệu, tổng hợp lên cấp trên, chuyển chỉ đạo xuống cấp dưới."
	msgRejoined      = "✅ Đã kết nối lại nhóm với %s: tin nhắn sẽ được gửi tới nhóm như trước."
	msgRemovedReason = "bot đã bị xóa khỏi nhóm"
)

// Help (help.go): the parts of /help by role and platform, and /lenh.
const (
	helpHead   = "🤖 Bot chỉ huy phòng, chống dịch — gõ số liệu hoặc lệnh ngay trong nhóm."
	helpMember = "📥 Báo cáo: F0 3, F1 25, cách ly tại nhà 30 (có dấu hay không đều được)\n" +
		"/baocao f0=3 f1=25 — báo cáo theo mã chỉ tiêu\n" +
		"/sua — xem, sửa báo cáo hôm nay\n" +
		"/tonghop — tổng hợp số liệu của đơn vị"
	helpAckTelegram = "📢 Nhận chỉ đạo: bấm ✅ Đã nhận; báo cáo kết quả: /ketqua <mã> <nội dung>"
	helpAckZalo     = "📢 Nhận chỉ đạo: /danhan <mã>; báo cáo kết quả: /ketqua <mã> <nội dung>"
	helpLead        = "👔 Lãnh đạo:\n" +
		"/chidao Tăng cường truy vết F1, hạn 16h thứ Sáu — gửi chỉ đạo xuống cấp dưới\n" +
		"/trangthai CD-12-0001 — tiến độ một chỉ đạo\n" +
		"/mamoi — mã mời cho đơn vị cấp dưới\n" +
		"/capquyen telegram:2002 lanhdao 106 — cấp quyền (thuhoi: thu hồi)"
	helpAdmin = "🔑 Quản trị: /capquyen telegram:2002 quantri 12 — cấp quyền quản trị"
	helpTail  = "Tất cả các lệnh: /lenh · Bạn là ai, vai trò gì: /toi"

	msgPointer = "👋 Cần giúp? Báo cáo: gõ số liệu, ví dụ F0 3, F1 25 — hoặc /baocao f0=3 f1=25.\n" +
		"Hướng dẫn: /help · Tất cả các lệnh: /lenh"
)

// helpFull is /lenh: every command with an example.
const helpFull = `📖 Tất cả các lệnh

📥 BÁO CÁO (thành viên)
Gõ số liệu ngay trong nhóm, ví dụ: F0: 3 (cộng đồng 1), F1 25; cách ly tại nhà 30
/baocao f0=3 f1=25 — báo cáo theo mã chỉ tiêu
/baocao xã Bản Giang: F0 2 — cấp trên báo thay đơn vị cấp dưới
/sua f1=30 — sửa báo cáo hôm nay (/sua: xem)
/tonghop huyện Tân Uyên 8/11 — tổng hợp đơn vị, ngày
/xuat 106 1/11 7/11 csv — xuất Excel/CSV
/danhan CD-12-0001 — xác nhận đã nhận chỉ đạo (Telegram: nút ✅ Đã nhận)
/ketqua CD-12-0001 Đã truy vết 25 F1 — báo cáo kết quả

📢 CHỈ ĐẠO (lãnh đạo)
/chidao <nội dung> [1 cấp | các xã | gửi: xã A, xã B] [hạn 16h thứ Sáu] [Số 2468/UBND-VX] [yêu cầu báo cáo kết quả]
/chidao — các chỉ đạo đang mở
/xacnhan CD-12-0001 · /huy CD-12-0001 — xác nhận hoặc hủy chỉ đạo gửi nhiều đơn vị
/trangthai CD-12-0001 — tiến độ nhận và kết quả
/chuyentiep CD-12-0001 Các xã báo cáo trước 15h — chuyển xuống cấp dưới
/huycd CD-12-0001 — hủy chỉ đạo

👥 ĐĂNG KÝ VÀ VAI TRÒ
/dangky <mã mời> — gắn nhóm (hoặc cuộc trò chuyện riêng) với đơn vị
/huydangky — hủy gắn
/mamoi 03418 03421 — lãnh đạo lấy mã mời cho đơn vị cấp dưới
/capquyen telegram:2002 lanhdao 106 — vai trò: thanhvien, lanhdao, quantri; thuhoi: thu hồi
/toi — tôi là ai, thuộc đơn vị nào, vai trò gì
/help — hướng dẫn ngắn`

// screenLines is the budget of an answer: about one phone screen. Longer
// material (full lists, tables) goes in a file or behind a follow-up
// command.
const screenLines = 15

// History across a reorganisation of units.
const (
	msgHistoryFrom    = "ℹ️ Số liệu trước ngày %s của %s tính từ các đơn vị cũ đã nhập trọn vẹn vào: %s."
	msgHistoryNone    = "ℹ️ Trước ngày %s, %s không có đơn vị cũ nào nhập trọn vẹn: chưa có số liệu."
	msgHistoryLeftOut = " Không gồm phần của các đơn vị cũ bị chia tách: %s."
	msgHistoryBelow   = " Số liệu các đơn vị trực thuộc không gồm phần của %d đơn vị cũ bị chia tách."
	msgHistoryMore    = " và %d đơn vị khác"
)

// Report path (§4): what is not a report, the report day, unit names.
const (
	msgEchoAside           = "Không ghi nhận (%s): %s"
	msgForwarded           = "Tin chuyển tiếp không được ghi nhận là báo cáo. Hãy tự gõ số liệu của đơn vị, ví dụ: F0 3, F1 25."
	msgNews                = "Tin này là số liệu của nơi khác (tin tức), không ghi nhận là báo cáo của đơn vị."
	msgBadStamp            = "Thời điểm gửi tin (%s) không hợp lệ — tin không được ghi nhận. Xin kiểm tra đồng hồ của máy và gửi lại."
	msgStampOld            = "Tin viết ngày %s, đã quá %d ngày — không nhận báo cáo."
	msgReportUnitAmbiguous = "'%s' có thể là nhiều đơn vị: %s. Xin ghi mã đơn vị (ví dụ %s: F0 2)."
	msgReportNameUnit      = "%s có đơn vị cấp dưới báo cáo: số liệu phải ghi tên hoặc mã đơn vị ở đầu, ví dụ '%s' (mỗi đơn vị một dòng hoặc một tin). Chưa ghi nhận gì."
	msgUnitOutside         = "'%s' ngoài phạm vi của %s: %s. Không ghi nhận; mỗi đơn vị báo trong nhóm của mình."
	msgUnitNone            = "Không tìm thấy đơn vị '%s'. Xin ghi tên đầy đủ hoặc mã đơn vị (ví dụ %s), hoặc bỏ tên để báo cho đơn vị mình."
	msgUnitsMore           = "và %d đơn vị khác"
)

// Held reports and consistency (§4).
const (
	msgOverwriteHead    = "ℹ️ %s (%s) đã ghi số liệu của %s, ngày %s:"
	msgOverwriteLine    = "• %s: %s → %s"
	msgOverwriteNew     = "• %s: %s (mới)"
	msgInconsistentHead = "⚠️ Chưa ghi nhận — trái với báo cáo đã ghi của %s ngày %s:"
	msgInconsistent     = "• %s = %s, nhưng %s đã ghi là %s. Nếu sửa, gửi cả hai số, ví dụ: /sua %s=%s %s=%s"
	msgInconsistentBoth = "• %s = %s, nhưng %s đã ghi là %s. Nếu sửa, gửi cả hai số đúng: /sua %s=… %s=…"
	msgHoldHead         = "⏸ Chưa ghi nhận báo cáo của %s, ngày %s:"
	msgHoldWhy          = "Số liệu cao bất thường:"
	msgHoldHow          = "Nếu đúng, bấm «Xác nhận» hoặc gõ /xacnhan %s trong vòng 1 giờ; nếu sai, gửi lại số đúng."
	msgHoldAddHead      = "❓ '%s': cộng thêm vào số đã báo hay thay số đã báo? (%s, ngày %s)"
	msgHoldAddLine      = "• %s: đã báo %s, tin này %s → cộng thêm thành %s, hoặc thay bằng %s"
	msgHoldAddHow       = "Bấm nút, hoặc gõ /xacnhan %s cộng (cộng thêm) hay /xacnhan %s thay (thay số), trong vòng 1 giờ."
	msgHoldAddChoose    = "❓ Chưa ghi nhận gì: báo cáo chờ %s cần chọn cộng thêm hay thay số đã báo. Gõ /xacnhan %s cộng (cộng thêm) hoặc /xacnhan %s thay (thay số)."
	msgHoldTwoAnswers   = "❓ Chưa ghi nhận gì: lệnh có hai câu trả lời khác nhau cho báo cáo chờ %s. Gõ lại với một câu trả lời: /xacnhan %s cộng (cộng thêm), /xacnhan %s thay (thay số) hoặc /xacnhan %s hủy (bỏ)."
	msgPlausPop         = "%s = %s lớn hơn dân số của %s (%s người)"
	msgPlausHistory     = "%s = %s, gấp nhiều lần số lớn nhất %d ngày qua (%s)"
	msgHoldNone         = "Không có báo cáo nào đang chờ xác nhận."
	msgNothingPending   = "Không có báo cáo hay chỉ đạo nào đang chờ xác nhận."
	msgHoldGone         = "Báo cáo chờ %s không còn (đã trả lời, hoặc quá 1 giờ). Xin gửi lại báo cáo."
	msgHoldDropped      = "Đã bỏ báo cáo chờ %s, không ghi nhận."
	msgHoldNoAdd        = "Báo cáo chờ %s không có số để cộng thêm. Xin gửi lại báo cáo."
	btnHoldConfirm      = "✅ Xác nhận"
	btnHoldDrop         = "✖ Bỏ"
	btnHoldAdd          = "➕ Cộng thêm: %s"
	btnHoldReplace      = "✏️ Thay bằng: %s"
)
