package handlers

import (
	"context"
	"strings"

	"github.com/chihuy/chihuy"
	"github.com/chihuy/chihuy/bot"
)

// Help fits the person: /help shows what the sender may do at the chat's
// unit — a member's few commands, a lead's directives, an admin's roles —
// one example per line, in the platform's way (Zalo has no buttons), and
// ends with /lenh, the full list, one tap away.

// helpFor is the /help text for a role on a platform.
func helpFor(role chihuy.Role, platform string) string {
	parts := []string{helpHead, helpMember}
	if platform == chihuy.Zalo {
		parts = append(parts, helpAckZalo)
	} else {
		parts = append(parts, helpAckTelegram)
	}
	if role >= chihuy.RoleLead {
		parts = append(parts, helpLead)
	}
	if role >= chihuy.RoleAdmin {
		parts = append(parts, helpAdmin)
	}
	parts = append(parts, helpTail)
	return strings.Join(parts, "\n")
}

// cmdHelp answers /help, /trogiup and /start with the help of the
// sender's role here.
func (h *Handler) cmdHelp(ctx context.Context, r *request) error {
	role := chihuy.RoleNone
	if home, err := h.homeUnit(ctx, r); err == nil {
		if role, err = h.roleAt(ctx, r, home.Code, chihuy.RoleAdmin); err != nil {
			return err
		}
	}
	text := helpFor(max(role, chihuy.RoleMember), r.u.Chat.Platform)
	if p, ok := h.Platforms[r.u.Chat.Platform]; ok && !p.CanReadAll && r.u.Chat.Platform == chihuy.Telegram && r.u.ChatKind == chihuy.Group {
		text += msgPrivacyNote
	}
	if r.unit == nil && role == chihuy.RoleNone {
		// Nobody yet: how to enrol comes first; the commands are for later.
		text = msgUnbound + "\n\n" + helpFor(chihuy.RoleMember, r.u.Chat.Platform)
	}
	return h.reply(ctx, r, text)
}

// cmdLenh answers /lenh with every command and an example of each.
func (h *Handler) cmdLenh(ctx context.Context, r *request) error {
	return h.reply(ctx, r, helpFull)
}

// Menus registered with the platform (setMyCommands): what a member sees,
// and what a lead sees in addition.
var (
	memberMenu = []bot.Command{
		{Name: "baocao", Description: "Báo cáo số liệu, ví dụ: /baocao f0=3 f1=25"},
		{Name: "sua", Description: "Xem, sửa báo cáo hôm nay"},
		{Name: "tonghop", Description: "Tổng hợp số liệu của đơn vị"},
		{Name: "danhan", Description: "Xác nhận đã nhận chỉ đạo"},
		{Name: "ketqua", Description: "Báo cáo kết quả thực hiện chỉ đạo"},
		{Name: "xuat", Description: "Xuất số liệu Excel/CSV"},
		{Name: "toi", Description: "Tôi là ai, vai trò gì"},
		{Name: "help", Description: "Hướng dẫn sử dụng"},
		{Name: "lenh", Description: "Tất cả các lệnh"},
	}
	leadMenu = []bot.Command{
		{Name: "chidao", Description: "Gửi chỉ đạo xuống cấp dưới"},
		{Name: "trangthai", Description: "Tiến độ một chỉ đạo"},
		{Name: "mamoi", Description: "Lấy mã mời cho đơn vị cấp dưới"},
		{Name: "capquyen", Description: "Cấp hoặc thu hồi quyền"},
	}
)

// Menu returns the command menu of a role, for platforms that have one:
// members see reporting commands, leads also directing ones.
func Menu(role chihuy.Role) []bot.Command {
	if role >= chihuy.RoleLead {
		return append(append([]bot.Command(nil), memberMenu...), leadMenu...)
	}
	return memberMenu
}

func init() {
	extensions = append(extensions, func(h *Handler) {
		h.commands["lenh"] = command{fn: h.cmdLenh, open: true, anywhere: true}
	})
}
