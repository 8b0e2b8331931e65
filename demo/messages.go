package demo

// Texts of the terminal demo, in Vietnamese, in one place.

const replHelp = `Lệnh của bản demo (mọi dòng khác được gửi vào nhóm của đơn vị đang chọn):
  :dv <mã hoặc tên>   chọn đơn vị để gõ thay (ví dụ :dv 106 — huyện Tam Đường; :dv Bản Giang)
  :ds [mã]            liệt kê đơn vị (cấp dưới của mã)
  :bam [chữ trên nút] bấm nút của tin gần nhất trong nhóm đang chọn (mặc định nút đầu: ✅ Đã nhận)
  :xuat [đơn vị] [từ YYYY-MM-DD] [đến YYYY-MM-DD] [csv]
                      xuất số liệu từ kho của demo ra tệp (mặc định 7 ngày gần nhất, Excel)
  :cho <chữ>          chờ (tối đa 1 phút) tới khi bot gửi tin có chữ đó — dùng trong kịch bản
  :tua <giờ>          tua đồng hồ tới giờ đó hôm nay hoặc mai (ví dụ :tua 18:00; trong nhóm: /tua 18:00)
  :help               hướng dẫn này
  :q                  thoát
Báo cáo nhiều dòng: kết thúc dòng bằng dấu \ rồi gõ tiếp dòng sau.
Thử: /help · F0 2 F1 10 · /tonghop · /mamoi · /chidao Tăng cường truy vết hạn 17h hôm nay`

const (
	msgBanner     = "\n=== chihuy demo — %s: %d đơn vị; các xã của huyện Tân Uyên dùng Zalo, còn lại dùng Telegram ===\n"
	msgBanner2025 = "\n=== chihuy demo — %s: %d đơn vị (cây từ 01/07/2025: tỉnh và %d xã, phường), tất cả dùng Telegram ===\n"
	msgStoreNote  = "(kho dữ liệu tạm trong bộ nhớ; HTTP %s: /healthz /metrics)\n"
	msgDirNote    = "Hình và tệp bot gửi, tệp xuất: %s\nNhật ký (log) của bot: %s\n\n"
	msgSameText   = "    (… và %d nhóm khác nhận cùng nội dung)\n"
	msgSaved      = "    │ 📎 %s — đã lưu: %s\n"
	msgNotSaved   = "    │ 📎 %s (không lưu được: %v)\n"
	msgNoUnit     = "Không có đơn vị %q.\n"
	msgUnknownCmd = "Lệnh demo :%s không có. Gõ :help.\n"
	msgClock      = "Đồng hồ: %s\n"
	msgNoButton   = "Nhóm %s chưa có tin nào có nút bấm.\n"
	msgZaloButton = "Zalo không có nút bấm: gõ lệnh, ví dụ /danhan <mã chỉ đạo>.\n"
	msgNoSuchBtn  = "Tin gần nhất có nút %s, không có nút %q.\n"
	msgPressed    = "(bấm nút [%s] của tin %s gửi lúc %s)\n"
	msgExported   = "Đã xuất %d dòng số liệu của %s (%s – %s): %s\n"
	msgExportBad  = "Không xuất được: %s\n"
	msgContinue   = "… > "
	msgBadHour    = "Cần giờ dạng 18:00"
	msgWaitGaveUp = "Đã chờ 1 phút mà bot chưa gửi tin nào có %q.\n"
	msgDirFailed  = "không tạo được thư mục của bản demo: %w"
	msgLogFailed  = "không mở được tệp nhật ký của bản demo: %w"
)
