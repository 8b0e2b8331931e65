package config

import (
	"fmt"

	"github.com/chihuy/chihuy"
)

// Texts of the package, in Vietnamese: the operators of the command
// centers read them in "chihuy check" and in the start-up log.

const (
	msgUnknownKey        = "khóa không được hỗ trợ"
	msgDuplicateKey      = "khóa lặp lại"
	msgWantMapping       = "cần một bảng khóa: giá trị"
	msgWantList          = "cần một danh sách"
	msgWantScalar        = "cần một giá trị đơn (chuỗi hoặc số)"
	msgMissing           = "thiếu giá trị"
	msgTopLevel          = "tệp cấu hình phải là một bảng khóa: giá trị"
	msgBadToken          = "token có khoảng trắng hoặc dấu /; hãy chép lại đúng token"
	msgBadTelegramSecret = "Telegram chỉ nhận 1–256 ký tự A–Z, a–z, 0–9, _ và -"
	msgNoTree            = "chưa nạp được cây đơn vị"
)

func msgProblems(n int) string { return fmt.Sprintf("cấu hình có %d lỗi:", n) }

func msgBadMode(v string) string {
	return fmt.Sprintf("%q không hợp lệ (cần poll hoặc webhook)", v)
}

func msgBadURL(v string) string {
	return fmt.Sprintf("%q không phải địa chỉ http:// hoặc https:// hợp lệ", v)
}

func msgBadRedisURL(v string) string {
	return fmt.Sprintf("%q không hợp lệ (cần redis://, rediss://, unix://, redis-sentinel:// hoặc redis-cluster://)", v)
}

func msgBadInstance(v string) string {
	return fmt.Sprintf("%q không hợp lệ (tên tiến trình: 1–64 ký tự chữ Latin không dấu, chữ số và ._:-, ví dụ chihuy-1)", v)
}

func msgBadAddr(v string) string {
	return fmt.Sprintf("%q không hợp lệ (cần dạng host:cổng, ví dụ :8080)", v)
}

func msgBadTZ(v string) string {
	return fmt.Sprintf("múi giờ %q không có (ví dụ đúng: Asia/Ho_Chi_Minh)", v)
}

func msgBadLogLevel(v string) string {
	return fmt.Sprintf("%q không hợp lệ (cần trace, debug, info, warn, error, fatal, panic hoặc disabled)", v)
}

func msgNeedSecret(modeKey string) string {
	return fmt.Sprintf("bắt buộc khi %s=webhook (mã bí mật kiểm tra yêu cầu webhook)", modeKey)
}

func msgNeedPublicURL(modeKey string) string {
	return fmt.Sprintf("bắt buộc khi %s=webhook (địa chỉ công khai để đăng ký webhook)", modeKey)
}

func msgWindowRetention(window, retention int) string {
	return fmt.Sprintf("%d ngày phải nhỏ hơn retention_days (%d)", window, retention)
}

func msgReadFile(path string, err error) string {
	return fmt.Sprintf("không đọc được tệp cấu hình %s: %s", path, FileReason(err))
}

func msgNotYAML(err error) string { return "không đọc được YAML: " + err.Error() }

func msgDidYouMean(key string) string { return fmt.Sprintf(" (có phải %s?)", key) }

func msgYAMLSyntax(what string) string { return "lỗi cú pháp YAML: " + what }

func msgYAMLUnclosed(open, close string, line int) string {
	return fmt.Sprintf("dấu %s mở ở dòng %d chưa được đóng bằng %s", open, line, close)
}

func msgYAMLUnclosedQuote(line int) string {
	return fmt.Sprintf("dấu ngoặc kép mở ở dòng %d chưa được đóng", line)
}

const (
	msgNoSuchFile   = "không có tệp này"
	msgNoPermission = "không có quyền đọc"
)

// yamlMessages are the YAML decoder's common messages in Vietnamese.
var yamlMessages = [][2]string{
	{"mapping values are not allowed in this context", "dấu hai chấm không đúng chỗ (giá trị có dấu \":\" cần đặt trong ngoặc kép) hoặc thụt lề sai"},
	{"found character that cannot start any token", "có ký tự không hợp lệ ở đầu dòng (thường là phím Tab: YAML chỉ thụt lề bằng dấu cách)"},
	{"did not find expected key", "thụt lề không khớp với các dòng trên"},
	{"did not find expected '-' indicator", "thụt lề không khớp với các mục của danh sách"},
	{"found unexpected end of stream", "tệp kết thúc giữa chừng"},
	{"found a tab character", "có phím Tab: YAML chỉ thụt lề bằng dấu cách"},
	{"could not find expected ':'", "thiếu dấu hai chấm sau khóa"},
	{"block sequence entries are not allowed", "mục danh sách (-) không đúng chỗ"},
	{"found undefined alias", "bí danh (*) chưa được định nghĩa"},
}

func msgWantInt(v string, min int) string {
	return fmt.Sprintf("%q không hợp lệ (cần số nguyên từ %d trở lên)", v, min)
}

func msgWantPositive(v string) string {
	return fmt.Sprintf("%q không hợp lệ (cần số dương)", v)
}

func msgBadDurationValue(v string) string {
	return fmt.Sprintf("%q không hợp lệ (cần khoảng thời gian dương, ví dụ 2h, 30m, 7d)", v)
}

func msgBadFraction(v string) string {
	return fmt.Sprintf("%q không hợp lệ (cần tỉ lệ trong khoảng (0, 1], ví dụ 0.5 hoặc \"50%%\")", v)
}

func msgBadUserRef(v string) string {
	return fmt.Sprintf("%q không hợp lệ (cần nền_tảng:mã_người_dùng, ví dụ telegram:1001)", v)
}

func msgBadChatRef(v string) string {
	return fmt.Sprintf("%q không hợp lệ (cần nền_tảng:mã_nhóm, ví dụ telegram:-1001001)", v)
}

func msgPseudoUser(u string) string {
	return fmt.Sprintf("%s không phải một người mà là tài khoản thay mặt nhóm hoặc kênh (quản trị viên ẩn danh, kênh liên kết): "+
		"không thể làm quản trị hay nhận vai trò; hãy dùng mã tài khoản cá nhân (người đó gõ /toi để xem)", u)
}

func msgBadRole(v string) string {
	return fmt.Sprintf("vai trò %q không hợp lệ (cần member, lead, admin hoặc tên tiếng Việt: thành viên, lãnh đạo, quản trị)", v)
}

func msgUnknownPlatform(p string) string {
	return fmt.Sprintf("nền tảng %q không được hỗ trợ (cần telegram hoặc zalo)", p)
}

func msgTelegramID(id string) string {
	return fmt.Sprintf("mã Telegram %q phải là số nguyên", id)
}

func msgZaloID(id string) string { return fmt.Sprintf("mã Zalo %q có khoảng trắng", id) }

func msgBadEffective(v string) string {
	return fmt.Sprintf("ngày hiệu lực %q không hợp lệ (cần dạng 2025-07-01)", v)
}

func msgUnknownUnit(code string) string {
	return fmt.Sprintf("không có đơn vị mã %q trong cây đơn vị", code)
}

func msgChatTwice(chat string, line int) string {
	if line > 0 {
		return fmt.Sprintf("nhóm %s đã được gắn ở dòng %d; mỗi nhóm chỉ gắn một đơn vị", chat, line)
	}
	return fmt.Sprintf("nhóm %s được gắn hai lần; mỗi nhóm chỉ gắn một đơn vị", chat)
}

func msgRoleTwice(user, unit string, line int) string {
	if line > 0 {
		return fmt.Sprintf("%s đã có vai trò ở đơn vị %s (dòng %d)", user, unit, line)
	}
	return fmt.Sprintf("%s có hai vai trò ở đơn vị %s", user, unit)
}

func msgRootNotFound(code string) string {
	return fmt.Sprintf("không có đơn vị mã %q trong cây đơn vị", code)
}

func msgDatasetFile(path string, err error) string {
	return fmt.Sprintf("không đọc được tệp bộ dữ liệu %s: %v", path, err)
}

func errBadTime(s string) error {
	return chihuy.Errorf(chihuy.EINVALID, "Giờ %q không hợp lệ (cần dạng HH:MM, ví dụ 17:00).", s)
}

func errBadWeekday(s string) error {
	return chihuy.Errorf(chihuy.EINVALID, "Ngày trong tuần %q không hợp lệ (ví dụ: thứ 5, thứ Năm, T5, CN, thu).", s)
}

func errBadWeekly(s string) error {
	return chihuy.Errorf(chihuy.EINVALID, "Lịch tuần %q không hợp lệ (cần ngày và giờ, ví dụ: thứ 5 17:00).", s)
}

func errBadDuration(s string) error {
	return chihuy.Errorf(chihuy.EINVALID, "Khoảng thời gian %q không hợp lệ (ví dụ: 2h, 30m, 7d).", s)
}

// Texts of the report "chihuy check" prints.
const (
	hdrTitle          = "chihuy — kiểm tra cấu hình"
	hdrFile           = "Tệp cấu hình"
	hdrUnits          = "Cây đơn vị"
	hdrReorganise     = "Sắp xếp lại"
	hdrRoot           = "Gốc"
	hdrCounts         = "Số đơn vị"
	hdrDataset        = "Bộ dữ liệu"
	hdrAdmins         = "Quản trị"
	hdrChats          = "Nhóm đã gắn"
	hdrRoles          = "Vai trò"
	hdrPlatforms      = "Nền tảng"
	hdrWebhookSecret  = "Mã bí mật webhook"
	hdrPublicURL      = "địa chỉ công khai"
	hdrStore          = "Lưu trữ"
	hdrHTTP           = "HTTP"
	hdrTZ             = "Múi giờ"
	hdrLogLevel       = "mức log"
	hdrSchedule       = "Lịch"
	hdrLimits         = "Giới hạn gửi"
	hdrDirectives     = "Chỉ đạo"
	hdrCoverage       = "Ngưỡng bao phủ tiêm chủng"
	hdrAlerts         = "Cảnh báo oxy"
	hdrWarnings       = "Lưu ý"
	txtNoFile         = "không có (CHIHUY_CONFIG trống) — dùng giá trị mặc định"
	txtBuiltinUnits   = "dựng sẵn"
	txtDataDate       = "dữ liệu ngày"
	txtBuiltinDataset = "dựng sẵn (COVID-19)"
	txtNone           = "không có"
	txtUnknown        = "(không có trong cây)"
	txtOn             = "bật"
	txtSet            = "đã đặt"
	txtUnset          = "chưa đặt"
	txtEmbedded       = "bộ nhớ trong tiến trình (CHIHUY_REDIS_URL trống) — dữ liệu mất khi tắt, chỉ để chạy thử"
	txtValid          = "Cấu hình hợp lệ."
	txtDays           = "ngày"
	txtOxyOff         = "tắt"
	warnNoPlatform    = "chưa bật nền tảng nào: đặt CHIHUY_TELEGRAM_TOKEN hoặc CHIHUY_ZALO_TOKEN"
	warnEmbedded      = "đang dùng bộ nhớ trong tiến trình: mọi dữ liệu mất khi bot dừng; khi chạy thật hãy đặt CHIHUY_REDIS_URL"
	warnZaloPictures  = "Zalo cần CHIHUY_PUBLIC_URL để gửi biểu đồ; chưa đặt thì bản tổng hợp gửi không kèm hình"
	msgIsDir          = "là thư mục"
)

func txtOff(name string) string { return fmt.Sprintf("tắt (CHIHUY_%s_TOKEN trống)", name) }

func txtSchedule(daily, digest, weekly, compile string) string {
	return fmt.Sprintf("hạn báo cáo ngày %s; gửi tổng hợp %s; hạn báo cáo tuần %s; tỉnh tổng hợp tuần %s",
		daily, digest, weekly, compile)
}

func txtLimit(perSecond, perChat, perGroup string) string {
	return fmt.Sprintf("%s tin/giây, %s tin/giây mỗi cuộc trò chuyện, %s tin/phút mỗi nhóm", perSecond, perChat, perGroup)
}

func txtRetention(inviteTTL string, window, retention int) string {
	return fmt.Sprintf("Mã mời hết hạn sau %s; nhận báo cáo cho tối đa %d ngày trước; giữ dữ liệu %d ngày", inviteTTL, window, retention)
}

func txtDirectives(interval string, max, confirm int) string {
	return fmt.Sprintf("nhắc đơn vị chưa nhận mỗi %s, tối đa %d lần; hỏi xác nhận khi gửi cho hơn %d đơn vị", interval, max, confirm)
}

func txtOxy(n int) string { return fmt.Sprintf("báo khi còn dưới %d bình", n) }

func txtReorganise(to, mapping, effective string) string {
	if mapping == MappingBuiltin {
		mapping = "dựng sẵn"
	}
	return fmt.Sprintf("sang %s từ ngày %s (bảng sáp nhập: %s)", to, effective, mapping)
}

func msgMappingFile(path, reason string) string {
	return fmt.Sprintf("không đọc được tệp sáp nhập %s: %s", path, reason)
}
