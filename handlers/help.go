package handlers

import "github.com/chihuy/chihuy/bot"

// helpText is /help and /trogiup: every command with an example.
const helpText = `🤖 chihuy — bot chỉ huy phòng, chống dịch

📥 BÁO CÁO (thành viên đơn vị)
Gõ số liệu ngay trong nhóm, có dấu hay không dấu đều được:
  F0: 3 (cộng đồng 1), F1 25, F2 40; cách ly tập trung 15, tại nhà 30
  bao cao ngay 8/11: f0 3 f1 25 cl nha 30
/baocao f0=3 f1=25 — báo cáo theo mã chỉ tiêu
/baocao xã Bản Giang: F0 2 — cấp trên báo thay đơn vị cấp dưới
/sua — xem và sửa báo cáo hôm nay (ví dụ: /sua f1=30)
/tonghop [đơn vị] [ngày] — tổng hợp, ví dụ: /tonghop huyện Tân Uyên 8/11
/xuat [đơn vị] [từ ngày] [đến ngày] [csv] — xuất Excel/CSV

📢 CHỈ ĐẠO (lãnh đạo)
/chidao <nội dung> [1 cấp | các xã | danh sách đơn vị] [hạn 16h thứ Sáu] [Số 2468/UBND-VX] [yêu cầu báo cáo kết quả]
/danhan <mã> — xác nhận đã nhận chỉ đạo
/ketqua <mã> <nội dung> — báo cáo kết quả thực hiện
/trangthai <mã> — tiến độ nhận và kết quả
/chuyentiep <mã> [nội dung thêm] — chuyển chỉ đạo của cấp trên xuống cấp dưới
/huycd <mã> — hủy chỉ đạo

👥 ĐĂNG KÝ VÀ PHÂN QUYỀN
/dangky <mã mời> — gắn nhóm (hoặc cuộc trò chuyện riêng) với đơn vị
/huydangky — hủy gắn
/mamoi [mã đơn vị …] — lãnh đạo lấy mã mời cho đơn vị cấp dưới
/capquyen <người> <thanhvien|chihuy|quantri> [đơn vị] — cấp quyền
/toi — tôi là ai, thuộc đơn vị nào, vai trò gì
/help hoặc /trogiup — hướng dẫn này`

// menu is the command menu registered with the platform (setMyCommands).
var menu = []bot.Command{
	{Name: "baocao", Description: "Báo cáo số liệu, ví dụ: /baocao f0=3 f1=25"},
	{Name: "tonghop", Description: "Tổng hợp số liệu của đơn vị"},
	{Name: "sua", Description: "Xem, sửa báo cáo hôm nay"},
	{Name: "chidao", Description: "Gửi chỉ đạo xuống cấp dưới"},
	{Name: "danhan", Description: "Xác nhận đã nhận chỉ đạo"},
	{Name: "ketqua", Description: "Báo cáo kết quả thực hiện chỉ đạo"},
	{Name: "trangthai", Description: "Tiến độ một chỉ đạo"},
	{Name: "xuat", Description: "Xuất số liệu Excel/CSV"},
	{Name: "dangky", Description: "Đăng ký nhóm với đơn vị bằng mã mời"},
	{Name: "mamoi", Description: "Lấy mã mời cho đơn vị cấp dưới"},
	{Name: "capquyen", Description: "Cấp quyền cho người dùng"},
	{Name: "toi", Description: "Tôi là ai, vai trò gì"},
	{Name: "help", Description: "Hướng dẫn sử dụng"},
}

// Menu returns the command menu for platforms that have one.
func Menu() []bot.Command { return menu }
