package handlers

import (
	"cmp"
	"context"
	"slices"
	"strings"

	"github.com/chihuy/chihuy"
	"github.com/chihuy/chihuy/bot"
	"github.com/chihuy/chihuy/outboxkey"
)

// What the bot does, in one place: the command table below, and the
// dispatch of everything that is not a command — free text (reports),
// button presses, confirmed sends and messages given up — in the methods
// after it. /help, /lenh's check (commands_test.go), the platform's
// command menu and the "có phải /baocao?" guesses all read the table.

// where says in which chats a command runs.
type where uint8

const (
	// inUnitChat: only in a chat bound to a unit; elsewhere the chat is
	// told how to enrol.
	inUnitChat where = iota
	// inPrivate: also in a private chat not bound to a unit — admins and
	// people with roles act from there.
	inPrivate
	// anywhere: also in a group not bound to a unit.
	anywhere
)

// command is one row of the table.
type command struct {
	name    string
	aliases []string
	run     func(*Handler, context.Context, *request) error
	// role is the least role the command serves. It decides the help and
	// the menu a person sees; the command itself checks the role the
	// sender has at the unit it acts on, known only once its arguments
	// are read.
	role  chihuy.Role
	where where
	// correctable: an edit of the command is a correction of what the
	// original recorded (a report) and runs again; an edit of any other
	// command is refused — the original ran.
	correctable bool
	// demo: only in `chihuy demo`, where the clock can be moved.
	demo bool
	// menu is the line of the platform's command menu (setMyCommands);
	// empty: not in the menu.
	menu string
	// help are the parts of /help (messages.go) that teach the command.
	help []helpPart
}

// helpPart is one part of /help.
type helpPart struct {
	role chihuy.Role // shown to this role and above
	text string
	zalo string // the text on Zalo, which has no buttons; empty: text
}

// commandTable is every command of the bot. Rows are in the order of the
// menu and of /help: members' commands, then leads'. It is a function,
// not a variable, because /help reads it (an initialisation cycle
// otherwise).
func commandTable() []command {
	return []command{
		// Reports (report.go).
		{name: "baocao", aliases: []string{"bc"}, run: (*Handler).cmdBaocao, role: chihuy.RoleMember, where: inUnitChat, correctable: true,
			menu: "Báo cáo số liệu, ví dụ: /baocao f0=3 f1=25", help: []helpPart{{role: chihuy.RoleMember, text: helpMember}}},
		{name: "sua", run: (*Handler).cmdSua, role: chihuy.RoleMember, where: inUnitChat, correctable: true,
			menu: "Xem, sửa báo cáo hôm nay", help: []helpPart{{role: chihuy.RoleMember, text: helpMember}}},
		// Summaries and exports (tonghop.go, export.go).
		{name: "tonghop", run: (*Handler).cmdTonghop, role: chihuy.RoleMember, where: inPrivate,
			menu: "Tổng hợp số liệu của đơn vị", help: []helpPart{{role: chihuy.RoleMember, text: helpMember}}},
		// Directives received (directives.go).
		{name: "danhan", run: (*Handler).cmdDanhan, role: chihuy.RoleMember, where: inUnitChat,
			menu: "Xác nhận đã nhận chỉ đạo", help: []helpPart{{role: chihuy.RoleMember, text: helpAckTelegram, zalo: helpAckZalo}}},
		{name: "ketqua", run: (*Handler).cmdKetqua, role: chihuy.RoleMember, where: inUnitChat,
			menu: "Báo cáo kết quả thực hiện chỉ đạo", help: []helpPart{{role: chihuy.RoleMember, text: helpAckTelegram, zalo: helpAckZalo}}},
		{name: "xuat", run: (*Handler).cmdXuat, role: chihuy.RoleMember, where: inPrivate,
			menu: "Xuất số liệu Excel/CSV"},
		// Who one is, help (enroll.go, help.go).
		{name: "toi", run: (*Handler).cmdToi, role: chihuy.RoleNone, where: anywhere,
			menu: "Tôi là ai, vai trò gì"},
		{name: "help", aliases: []string{"start", "trogiup"}, run: (*Handler).cmdHelp, role: chihuy.RoleNone, where: anywhere,
			menu: "Hướng dẫn sử dụng"},
		{name: "lenh", run: (*Handler).cmdLenh, role: chihuy.RoleNone, where: anywhere,
			menu: "Tất cả các lệnh"},
		// A held report or a directive waiting for its sender (hold.go).
		{name: "xacnhan", run: (*Handler).cmdXacnhan, role: chihuy.RoleMember, where: inPrivate},
		// Enrolment (enroll.go).
		{name: "dangky", run: (*Handler).cmdDangky, role: chihuy.RoleNone, where: anywhere},
		{name: "huydangky", run: (*Handler).cmdHuydangky, role: chihuy.RoleMember, where: inUnitChat},
		// Directives given (directives.go).
		{name: "chidao", run: (*Handler).cmdChidao, role: chihuy.RoleLead, where: inPrivate,
			menu: "Gửi chỉ đạo xuống cấp dưới", help: []helpPart{{role: chihuy.RoleLead, text: helpLead}}},
		{name: "trangthai", run: (*Handler).cmdTrangthai, role: chihuy.RoleLead, where: inPrivate,
			menu: "Tiến độ một chỉ đạo", help: []helpPart{{role: chihuy.RoleLead, text: helpLead}}},
		{name: "huy", run: (*Handler).cmdHuy, role: chihuy.RoleLead, where: inPrivate},
		{name: "huycd", run: (*Handler).cmdHuycd, role: chihuy.RoleLead, where: inPrivate},
		{name: "chuyentiep", run: (*Handler).cmdChuyentiep, role: chihuy.RoleLead, where: inUnitChat},
		// Invites and roles (enroll.go).
		{name: "mamoi", run: (*Handler).cmdMamoi, role: chihuy.RoleLead, where: inPrivate,
			menu: "Lấy mã mời cho đơn vị cấp dưới", help: []helpPart{{role: chihuy.RoleLead, text: helpLead}}},
		{name: "capquyen", run: (*Handler).cmdCapquyen, role: chihuy.RoleLead, where: inPrivate,
			menu: "Cấp hoặc thu hồi quyền", help: []helpPart{{role: chihuy.RoleLead, text: helpLead}, {role: chihuy.RoleAdmin, text: helpAdmin}}},
		// The demo's clock (handlers.go).
		{name: "tua", run: (*Handler).cmdTua, role: chihuy.RoleNone, where: inPrivate, demo: true},
	}
}

// commandIndex maps every name and alias of the commands this handler
// runs to its row: the demo's commands only in the demo.
func commandIndex(table []command, demo bool) map[string]*command {
	idx := make(map[string]*command, 2*len(table))
	for i := range table {
		c := &table[i]
		if c.demo && !demo {
			continue
		}
		idx[c.name] = c
		for _, a := range c.aliases {
			idx[a] = c
		}
	}
	return idx
}

// allowedIn reports whether c runs in r's chat.
func (c *command) allowedIn(r *request) bool {
	if r.unit != nil {
		return true
	}
	switch c.where {
	case anywhere:
		return true
	case inPrivate:
		return r.u.ChatKind != chihuy.Group
	}
	return false
}

// helpFor is the /help text for a role on a platform: the help parts of
// the commands the role may use, members' first, between a head and a
// tail.
func helpFor(role chihuy.Role, platform string) string {
	var parts []helpPart
	for _, c := range commandTable() {
		for _, p := range c.help {
			if p.role <= role && !slices.Contains(parts, p) {
				parts = append(parts, p)
			}
		}
	}
	slices.SortStableFunc(parts, func(a, b helpPart) int { return cmp.Compare(a.role, b.role) })
	out := []string{helpHead}
	for _, p := range parts {
		if platform == chihuy.Zalo && p.zalo != "" {
			out = append(out, p.zalo)
		} else {
			out = append(out, p.text)
		}
	}
	out = append(out, helpTail)
	return strings.Join(out, "\n")
}

// Menu returns the command menu of a role, for platforms that have one
// (setMyCommands): members see reporting commands, leads also directing
// ones.
func Menu(role chihuy.Role) []bot.Command {
	// Everyone's and members' commands in the table's order, then
	// leads'.
	rows := commandTable()
	slices.SortStableFunc(rows, func(a, b command) int {
		return cmp.Compare(max(a.role, chihuy.RoleMember), max(b.role, chihuy.RoleMember))
	})
	var out []bot.Command
	for _, c := range rows {
		if c.menu != "" && !c.demo && c.role <= role {
			out = append(out, bot.Command{Name: c.name, Description: c.menu})
		}
	}
	return out
}

// commandNames are the commands a user can be pointed to: every name and
// alias but the demo's and /start (Telegram's first message, never typed).
func (h *Handler) commandNames() []string {
	var names []string
	for name, c := range h.commands {
		if name != "start" && !c.demo {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	return names
}

// handleText handles free text: reports (report.go) in bound chats; a
// request for help anywhere gets a pointer.
func (h *Handler) handleText(ctx context.Context, r *request) error {
	if isHelpRequest(r.args) {
		return h.pointer(ctx, r)
	}
	if r.unit == nil {
		if r.u.ChatKind == chihuy.Private || r.u.ToBot {
			return h.tellUnbound(ctx, r)
		}
		return nil
	}
	return h.textReport(ctx, r)
}

// handleCallback handles a button press by its data: "rpok:", "rpadd:",
// "rpno:" answer a held report (hold.go); "ack:" acknowledges a
// directive, "cdok:" and "cdno:" confirm or abort a big one
// (directives.go). Anything else is answered as forged.
func (h *Handler) handleCallback(ctx context.Context, r *request) error {
	if kind, id, ok := outboxkey.ParseButton(r.u.Callback.Data); ok && outboxkey.HoldButton(kind) {
		return h.holdCallback(ctx, r, kind, id)
	}
	return h.directiveCallback(ctx, r)
}

// Sent is the outbox's hook for a confirmed send: a directive's copy
// counts as delivered (directives.go).
func (h *Handler) Sent(ctx context.Context, m chihuy.Message, messageIDs []string) {
	h.directiveSent(ctx, m, messageIDs)
}

// Dead is the outbox's hook for a message given up: a directive's copy
// counts as failed (directives.go).
func (h *Handler) Dead(ctx context.Context, m chihuy.Message, reason string) {
	h.directiveDead(ctx, m, reason)
}
