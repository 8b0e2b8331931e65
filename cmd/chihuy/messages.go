package main

import (
	"fmt"
	"strings"
)

// Texts of the command line, in Vietnamese: the operators of the command
// centers read them.

const usage = `chihuy — bot chỉ huy phòng, chống dịch

Cách dùng: chihuy <lệnh> [tùy chọn]

Lệnh:
  run            chạy bot (mặc định); chưa đặt CHIHUY_TELEGRAM_TOKEN và
                 CHIHUY_ZALO_TOKEN thì chạy bản demo
  check          kiểm tra cấu hình và cây đơn vị, in những gì đã nạp
  invite         in mã mời dùng một lần cho đơn vị (CSV)
  export         xuất số liệu báo cáo ra CSV hoặc Excel
  reorganise     chuyển sang cây đơn vị mới (sắp xếp lại từ 01/07/2025), chạy thử, hoàn tác
  demo           chạy thử trên máy: kho trong bộ nhớ, tỉnh Lai Châu, nhóm giả lập
  zalo-webhook   xem, đặt hoặc xóa webhook Zalo
  help [lệnh]    hướng dẫn này, hoặc hướng dẫn của một lệnh

Xem tùy chọn của từng lệnh: chihuy <lệnh> --help

Biến môi trường (đều không bắt buộc): CHIHUY_CONFIG (tệp cấu hình YAML),
CHIHUY_REDIS_URL, CHIHUY_TELEGRAM_TOKEN, CHIHUY_TELEGRAM_API_URL,
CHIHUY_TELEGRAM_MODE, CHIHUY_ZALO_TOKEN, CHIHUY_ZALO_API_URL, CHIHUY_ZALO_MODE,
CHIHUY_WEBHOOK_SECRET, CHIHUY_PUBLIC_URL, CHIHUY_HTTP_ADDR, CHIHUY_TZ,
CHIHUY_LOG_LEVEL. Xem README.md.
`

// commandHelp is the head of each subcommand's --help: how to call it
// and what it does; the options follow.
var commandHelp = map[string]string{
	"run": `Cách dùng: chihuy run

Chạy bot với cấu hình từ biến môi trường CHIHUY_… và tệp CHIHUY_CONFIG.
Chưa đặt CHIHUY_TELEGRAM_TOKEN và CHIHUY_ZALO_TOKEN thì chạy bản demo.`,
	"check": `Cách dùng: chihuy check

Kiểm tra cấu hình (biến môi trường và tệp CHIHUY_CONFIG) với cây đơn vị,
in những gì đã nạp và mọi lỗi tìm thấy. Thoát với mã 0 khi hợp lệ, 1 khi có lỗi.`,
	"invite": `Cách dùng: chihuy invite --unit MÃ [--all-below] [--ttl 7d]

In mã mời dùng một lần (CSV: invite, unit, name, level, parent, expires).
Tại nhóm của đơn vị, gõ /dangky <mã mời>. Cần CHIHUY_REDIS_URL (kho của bot).
Ví dụ: chihuy invite --unit 106 --all-below`,
	"export": `Cách dùng: chihuy export --unit MÃ --from YYYY-MM-DD --to YYYY-MM-DD [tùy chọn]

Xuất số liệu báo cáo của đơn vị và mọi đơn vị cấp dưới. Cần CHIHUY_REDIS_URL.
Ví dụ: chihuy export --unit 12 --from 2021-11-01 --to 2021-11-30 --format xlsx --out lai-chau.xlsx`,
	"reorganise": `Cách dùng: chihuy reorganise --to gso-2025-07 --effective YYYY-MM-DD [tùy chọn]

Chuyển nhóm, quyền và mã mời của các đơn vị cũ sang cây đơn vị mới: đơn vị nhập
trọn vẹn thì chuyển theo; đơn vị bị chia tách hoặc không còn thì nhóm được báo
đăng ký lại, lãnh đạo được liệt kê. Số liệu đã báo cáo giữ nguyên. Chạy lại lần
nữa không đổi gì; --undo hoàn tác. Thiếu tùy chọn thì lấy từ khóa reorganise:
của cấu hình. Cần CHIHUY_REDIS_URL (kho của bot).
Ví dụ: chihuy reorganise --to gso-2025-07 --effective 2025-07-01 --dry-run`,
	"demo": `Cách dùng: chihuy demo [--units gso-2025-07] [--script TỆP] [--dir THƯ_MỤC] [--start "YYYY-MM-DD HH:MM"] [--no-intro] [--verbose]

Chạy thử trên máy, không cần token hay Redis: tỉnh Lai Châu, mỗi đơn vị một
nhóm giả lập (các xã của huyện Tân Uyên dùng Zalo). Gõ :help trong demo để
xem các lệnh của demo.`,
	"zalo-webhook": `Cách dùng: chihuy zalo-webhook [--delete | --set URL]

Không có tùy chọn: cho biết webhook Zalo đang đặt. Cần CHIHUY_ZALO_TOKEN.`,
}

const (
	hdrOptions = "Tùy chọn:"
	txtDefault = "mặc định"
	txtHelpOpt = "in hướng dẫn này"
)

// Flag descriptions.
const (
	flagScript    = "đọc các dòng gõ của demo từ tệp này thay vì bàn phím"
	flagDir       = "lưu hình và tệp bot gửi vào thư mục này (mặc định: một thư mục tạm, in ra khi bắt đầu)"
	flagVerbose   = "ghi log mức info vào tệp log của demo (mặc định chỉ ghi cảnh báo)"
	flagNoIntro   = "bỏ cảnh mở đầu, vào thẳng phần gõ"
	flagStart     = "đồng hồ của demo bắt đầu lúc này (giờ Việt Nam), để diễn lại một ngày (mặc định: 09:00 hôm nay)"
	flagUnit      = "mã hoặc tên đơn vị (bắt buộc)"
	flagAllBelow  = "mỗi đơn vị cấp dưới một mã, thay vì mã của chính đơn vị"
	flagTTL       = "thời hạn của mã, ví dụ 7d, 48h (mặc định: invite_ttl của cấu hình)"
	flagExpUnit   = "mã hoặc tên đơn vị (bắt buộc): xuất cả các đơn vị cấp dưới"
	flagFrom      = "ngày đầu (bắt buộc)"
	flagTo        = "ngày cuối (bắt buộc)"
	flagFormat    = "định dạng: csv hoặc xlsx"
	flagAggregate = "mỗi đơn vị một dòng, cộng dồn cả khoảng ngày"
	flagOut       = "ghi vào tệp này (mặc định: ra màn hình)"
	flagDelete    = "xóa webhook (chế độ poll cần vậy)"
	flagSet       = "đặt webhook tới địa chỉ này (cần CHIHUY_WEBHOOK_SECRET)"
)

// flagValues name the value of each option in the help; "command.option"
// names it for one command only.
var flagValues = map[string]string{
	"script": "TỆP", "dir": "THƯ_MỤC", "unit": "MÃ", "ttl": "THỜI_HẠN", "from": "YYYY-MM-DD",
	"to": "YYYY-MM-DD", "format": "csv|xlsx", "out": "TỆP", "set": "URL",
	"start":     `"YYYY-MM-DD HH:MM"`,
	"effective": "YYYY-MM-DD", "mapping": "TỆP", "reorganise.to": "CÂY", "units": "CÂY",
}

func msgUnknownCommand(cmd, guess string) string {
	if guess != "" {
		return fmt.Sprintf("không có lệnh %q — có phải %q? Gõ chihuy --help để xem các lệnh.", cmd, guess)
	}
	return fmt.Sprintf("không có lệnh %q. Gõ chihuy --help để xem các lệnh.", cmd)
}

func msgSeeHelp(cmd string) string {
	return fmt.Sprintf("Gõ chihuy %s --help để xem cách dùng.", cmd)
}

func msgExtraArgs(args []string) string {
	return fmt.Sprintf("thừa đối số: %s", strings.Join(args, " "))
}

func msgRequired(flags string) string { return fmt.Sprintf("thiếu %s (bắt buộc)", flags) }

func msgBadFormat(v string) string {
	return fmt.Sprintf("--format phải là csv hoặc xlsx, không phải %q", v)
}

func msgUnitNotInTree(code string) string {
	return fmt.Sprintf("không có đơn vị %q trong cây đơn vị (xem mã bằng chihuy check, hoặc trong demo gõ :ds)", code)
}

func msgUnitAmbiguous(name string, n int) string {
	return fmt.Sprintf("tên %q trùng với %d đơn vị: hãy ghi mã đơn vị", name, n)
}

const (
	msgNeedRedis       = "chưa đặt CHIHUY_REDIS_URL: lệnh này đọc và ghi kho Redis của bot (ví dụ CHIHUY_REDIS_URL=redis://localhost:6379/0)"
	msgNeedZaloToken   = "chưa đặt CHIHUY_ZALO_TOKEN"
	msgZaloDeleted     = "Đã xóa webhook Zalo: bot có thể nhận tin bằng poll (CHIHUY_ZALO_MODE=poll)."
	msgZaloNoWebhook   = "Chưa đặt webhook Zalo."
	msgCheckFailed     = "cấu hình chưa hợp lệ (xem các lỗi ở trên)"
	msgDemoInstead     = "chưa đặt CHIHUY_TELEGRAM_TOKEN hay CHIHUY_ZALO_TOKEN: chạy bản demo trên nền tảng giả lập"
	msgFlagUndefined   = "không có tùy chọn %s"
	msgFlagNeedsValue  = "tùy chọn %s cần một giá trị"
	msgFlagBadValue    = "giá trị %s của tùy chọn %s không hợp lệ"
	msgFlagBadSyntax   = "tùy chọn viết sai: %s"
	msgFlagDayPrefix   = "--%s: %s"
	msgFlagTTL         = "--ttl: %s"
	msgZaloWebhookSet  = "Đã đặt webhook Zalo: %s."
	msgZaloWebhookInfo = "Webhook Zalo: %s (cập nhật lúc %s)"
)

func msgBadStart(v string) string {
	return fmt.Sprintf("--start %q không hợp lệ (cần dạng \"2021-11-08 09:00\")", v)
}

func msgOpenScript(path, reason string) string {
	return fmt.Sprintf("không mở được tệp kịch bản %s: %s", path, reason)
}

func msgCreateOut(path, reason string) string {
	return fmt.Sprintf("không tạo được tệp %s: %s", path, reason)
}

func msgFile(path, reason string) string { return fmt.Sprintf("tệp %s: %s", path, reason) }

func msgUnitsFile(path, reason string) string {
	return fmt.Sprintf("không đọc được tệp đơn vị %s: %s", path, reason)
}

func msgRedisOpen(url string, err error) string {
	return fmt.Sprintf("không kết nối được kho Redis %s: %v", url, err)
}

// The reorganise command.
const (
	flagReTo        = "cây đơn vị mới: gso-2025-07 hoặc tệp đơn vị"
	flagReMapping   = "bảng sáp nhập: builtin (mặc định) hoặc tệp cùng dạng merges.json"
	flagReEffective = "ngày cây mới có hiệu lực, ví dụ 2025-07-01"
	flagReDryRun    = "chạy thử: in những gì sẽ thay đổi, không ghi gì"
	flagReUndo      = "hoàn tác lần sắp xếp lại đã làm"
	msgUndoDry      = "--undo và --dry-run không dùng cùng nhau"
	msgReHead       = "Sắp xếp lại đơn vị: %s"
	msgReHeadDry    = "Sắp xếp lại đơn vị (chạy thử, chưa ghi gì): %s"
	msgReAlready    = "Đã sắp xếp lại từ trước: không có gì thay đổi."
	msgReMoved      = "Nhóm chuyển sang đơn vị mới: %d"
	msgReReEnrol    = "Nhóm phải đăng ký lại (đơn vị bị chia tách hoặc không còn), đã được nhắn: %d"
	msgReRoles      = "Quyền chuyển sang đơn vị mới: %d"
	msgReLeads      = "Quyền của đơn vị bị chia tách hoặc không còn, đã gỡ — cần liên hệ: %d"
	msgReInvites    = "Mã mời chưa dùng: chuyển %d, hủy %d"
	msgReUnknown    = "Nhóm gắn với mã không có trong cây cũ, để nguyên: %d"
	msgReTold       = "Tin nhắn đã xếp hàng gửi: %d"
	msgReUndone     = "Đã hoàn tác sắp xếp lại %s: %d nhóm, %d quyền, %d mã mời trở lại như trước; %d tin nhắn đã xếp hàng gửi."
	msgReGone       = "không còn trong cây mới"
	msgReSplitInto  = "chia vào: "
)

// The demo's tree.
const flagDemoUnits = "cây đơn vị: gso-2025-03 (tỉnh Lai Châu có huyện) hoặc gso-2025-07 (38 xã, phường từ 01/07/2025)"

func msgBadDemoUnits(v string) string {
	return fmt.Sprintf("--units %q: cần gso-2025-03 hoặc gso-2025-07", v)
}
