package handlers

import (
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/chihuy/chihuy"
)

var inviteRE = regexp.MustCompile(`\((\w+)\): ([A-Z0-9]{8})`)

// invites parses "/mamoi" answers: unit code → invite code.
func invites(t *testing.T, ms []chihuy.Message) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, m := range ms {
		for _, g := range inviteRE.FindAllStringSubmatch(m.Text, -1) {
			out[g[1]] = g[2]
		}
	}
	return out
}

func TestEnrollmentFlow(t *testing.T) {
	e := newEnv(t)
	// The admin asks for invites in a private chat: one per district.
	got := e.send(msg{chat: "telegram:" + admin, from: admin, text: "/mamoi"})
	inv := invites(t, got)
	if len(inv) != 8 || inv["106"] == "" {
		t.Fatalf("admin /mamoi gave %v from %q", inv, texts(got, "telegram:"+admin))
	}
	// A new district group enrols with its code.
	got = e.send(msg{chat: "telegram:-100106", from: "2002", text: "/dangky " + strings.ToLower(inv["106"])})
	if s := texts(got, "telegram:-100106"); !strings.Contains(s, "huyện Tam Đường (106)") {
		t.Fatalf("dangky answer = %q", s)
	}
	b, err := e.st.Binding(e.ctx, chihuy.ChatRef{Platform: "telegram", ID: "-100106"})
	if err != nil || b.Unit != "106" || b.Kind != chihuy.Group {
		t.Fatalf("binding = %+v, %v", b, err)
	}
	// The code is used up.
	got = e.send(msg{chat: "telegram:-100999", from: "2003", text: "/dangky " + inv["106"]})
	if s := texts(got, "telegram:-100999"); !strings.Contains(s, "không đúng, đã dùng hoặc đã hết hạn") {
		t.Fatalf("reused invite answer = %q", s)
	}
	// /toi in the group names the unit and the member role.
	got = e.send(msg{chat: "telegram:-100106", from: "2002", text: "/toi"})
	if s := texts(got, "telegram:-100106"); !strings.Contains(s, "Tam Đường") || !strings.Contains(s, "thành viên tại huyện Tam Đường") {
		t.Fatalf("/toi = %q", s)
	}
	// A member of the group is not a lead: no invites.
	got = e.send(msg{chat: "telegram:-100106", from: "2002", text: "/mamoi"})
	if s := texts(got, "telegram:-100106"); !strings.Contains(s, "chỉ dành cho lãnh đạo") {
		t.Fatalf("member /mamoi = %q", s)
	}
	if n := len(invites(t, got)); n != 0 {
		t.Fatalf("member got %d invites", n)
	}
}

func TestPrivateEnrollment(t *testing.T) {
	e := newEnv(t)
	e.grant("2002", "106", chihuy.RoleLead)
	e.bind("telegram:-100106", "106")
	got := e.send(msg{chat: "telegram:-100106", from: "2002", text: "/mamoi xã Bản Giang"})
	inv := invites(t, got)
	if inv["03418"] == "" {
		t.Fatalf("lead /mamoi xã Bản Giang = %q", texts(got, "telegram:-100106"))
	}
	got = e.send(msg{chat: "zalo:u77", kind: chihuy.Private, from: "u77", text: "/dangky " + inv["03418"]})
	if s := texts(got, "zalo:u77"); !strings.Contains(s, "cuộc trò chuyện riêng") {
		t.Fatalf("private dangky = %q", s)
	}
	roles, _ := e.st.Roles(e.ctx, chihuy.UserRef{Platform: "zalo", ID: "u77"})
	if roles["03418"] != chihuy.RoleMember {
		t.Fatalf("roles after private enrolment = %v", roles)
	}
	targets, _ := e.st.Targets(e.ctx, "03418")
	if len(targets) != 1 || targets[0].Chat.String() != "zalo:u77" {
		t.Fatalf("targets of 03418 = %+v", targets)
	}
	// The member leaves again.
	got = e.send(msg{chat: "zalo:u77", kind: chihuy.Private, from: "u77", text: "/huydangky"})
	if s := texts(got, "zalo:u77"); !strings.Contains(s, "Đã hủy đăng ký") {
		t.Fatalf("huydangky = %q", s)
	}
	if targets, _ := e.st.Targets(e.ctx, "03418"); len(targets) != 0 {
		t.Fatalf("targets after leaving = %+v", targets)
	}
}

func TestUnboundChatToldOnce(t *testing.T) {
	e := newEnv(t)
	got := e.send(msg{chat: "telegram:-555", from: "9", text: "/tonghop"})
	if s := texts(got, "telegram:-555"); !strings.Contains(s, "chưa được đăng ký") {
		t.Fatalf("first answer = %q", s)
	}
	for _, text := range []string{"/tonghop", "F0 3", "/huydangky"} {
		if got := e.send(msg{chat: "telegram:-555", from: "9", text: text}); len(got) != 0 {
			t.Fatalf("second message %q answered: %+v", text, got)
		}
	}
	// Chatter in an unbound group is never answered.
	if got := e.send(msg{chat: "telegram:-556", from: "9", text: "chào cả nhà"}); len(got) != 0 {
		t.Fatalf("chatter answered: %+v", got)
	}
}

func TestAuthorizationScope(t *testing.T) {
	e := newEnv(t)
	e.grant("2002", "106", chihuy.RoleLead) // lead of huyện Tam Đường
	e.bind("telegram:-100106", "106")
	e.bind("telegram:-100111", "111")
	tests := []struct {
		name string
		m    msg
		want string // in the answer
	}{
		{"invite outside subtree", msg{chat: "telegram:-100106", from: "2002", text: "/mamoi 03598"}, "ngoài phạm vi"},
		{"invite own commune", msg{chat: "telegram:-100106", from: "2002", text: "/mamoi 03394"}, "(03394): "},
		{"member cannot grant", msg{chat: "telegram:-100111", from: "3003", text: "/capquyen telegram:4004 thanhvien 03601"}, "chỉ dành cho lãnh đạo"},
		{"lead grants member in subtree", msg{chat: "telegram:-100106", from: "2002", text: "/capquyen telegram:4004 thanhvien 03394"}, "Đã cấp quyền thành viên"},
		{"lead grants lead below", msg{chat: "telegram:-100106", from: "2002", text: "/capquyen telegram:4005 chihuy 03394"}, "Đã cấp quyền lãnh đạo"},
		{"lead cannot grant lead at own unit", msg{chat: "telegram:-100106", from: "2002", text: "/capquyen telegram:4006 chihuy 106"}, "chỉ có thể cấp quyền lãnh đạo cho đơn vị cấp dưới"},
		{"lead cannot grant admin", msg{chat: "telegram:-100106", from: "2002", text: "/capquyen telegram:4006 quantri 03394"}, "không thể cấp quyền quản trị"},
		{"lead cannot grant outside", msg{chat: "telegram:-100106", from: "2002", text: "/capquyen telegram:4006 thanhvien 03598"}, "ngoài phạm vi"},
		{"unknown role", msg{chat: "telegram:-100106", from: "2002", text: "/capquyen telegram:4006 vua 03394"}, "không rõ"},
		{"member cannot unbind group", msg{chat: "telegram:-100111", from: "3003", text: "/huydangky"}, "chỉ dành cho lãnh đạo"},
		{"admin grants anywhere", msg{chat: "telegram:" + admin, from: admin, text: "/capquyen telegram:4007 quantri 12"}, "Đã cấp quyền quản trị"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := texts(e.send(tt.m), tt.m.chat)
			if !strings.Contains(got, tt.want) {
				t.Fatalf("answer = %q, want it to contain %q", got, tt.want)
			}
		})
	}
	roles, _ := e.st.Roles(e.ctx, chihuy.UserRef{Platform: "telegram", ID: "4006"})
	if len(roles) != 0 {
		t.Fatalf("refused grants left roles: %v", roles)
	}
	if b, err := e.st.Binding(e.ctx, chihuy.ChatRef{Platform: "telegram", ID: "-100111"}); err != nil || b.Unit != "111" {
		t.Fatalf("refused unbind changed the binding: %+v %v", b, err)
	}
}

func TestBotAddedAndRemoved(t *testing.T) {
	e := newEnv(t)
	e.bind("telegram:-100106", "106")
	e.bind("telegram:-103418", "03418")
	member := func(chat, what string) []chihuy.Message {
		ref, _ := chihuy.ParseChatRef(chat)
		e.seq++
		u := chihuy.Update{ID: "telegram:m" + strconv.Itoa(e.seq), Chat: ref, ChatKind: chihuy.Group,
			From: chihuy.UserRef{Platform: "telegram", ID: "9"}, Membership: what, Time: e.clock.Now()}
		if err := e.h.Handle(e.ctx, u); err != nil {
			t.Fatal(err)
		}
		return e.drain()
	}
	// Added to a new group: a greeting that explains enrollment, once.
	got := member("telegram:-777", chihuy.BotJoined)
	if s := texts(got, "telegram:-777"); !strings.Contains(s, "Chào các đồng chí") || !strings.Contains(s, "/dangky") {
		t.Fatalf("greeting = %q", s)
	}
	if got := e.send(msg{chat: "telegram:-777", from: "9", text: "/tonghop"}); len(got) != 0 {
		t.Fatalf("told twice: %+v", got)
	}
	// Removed from a bound group: broken, the parent is told.
	got = member("telegram:-103418", chihuy.BotLeft)
	if s := texts(got, "telegram:-100106"); !strings.Contains(s, "bot đã bị xóa khỏi nhóm") {
		t.Fatalf("parent told %q", s)
	}
	b, _ := e.st.Binding(e.ctx, chihuy.ChatRef{Platform: "telegram", ID: "-103418"})
	if b.Broken == "" {
		t.Fatal("binding not marked broken")
	}
	// Added back: the binding works again.
	got = member("telegram:-103418", chihuy.BotJoined)
	if s := texts(got, "telegram:-103418"); !strings.Contains(s, "Đã kết nối lại") {
		t.Fatalf("rejoin answer %q", s)
	}
	if targets, _ := e.st.Targets(e.ctx, "03418"); len(targets) != 1 {
		t.Fatalf("targets after rejoin: %+v", targets)
	}
}
