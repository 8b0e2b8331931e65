package demo

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/mattn/go-isatty"
	"github.com/rs/zerolog"

	"github.com/chihuy/chihuy/config"
	"github.com/chihuy/chihuy/units"
)

// RunOptions configure the terminal demo.
type RunOptions struct {
	In  io.Reader
	Out io.Writer
	// Dir receives the pictures and files the bot sends, the exports of
	// :xuat and the bot's log (chihuy-demo.log); empty: a new folder under
	// the system's temporary directory. The path is printed at the start.
	Dir string
	// LogLevel is the level of the log file.
	LogLevel zerolog.Level
	Getenv   func(string) string
	// NoIntro skips the scripted opening scene.
	NoIntro bool
	// Start, when set, is the time the demo's clock shows at the start
	// (a day to replay); by default 09:00 today, Vietnam time, so that the
	// scene's "hạn 17h hôm nay" and the day's reminders, deadline and
	// digest lie ahead whatever the hour the demo is run.
	Start time.Time
	// Units names the built-in tree: "" or units.TreeMarch2025 (Lai Châu
	// with its districts), units.TreeJuly2025 (its 38 communes and wards
	// since 1 July 2025), each with its own opening scene.
	Units string
}

// intro is the opening scene: a commune reports, the district and the
// province see it, an alert goes up, a lead asks for the summary.
var intro = []struct {
	unit, text, note string
}{
	{"03418", "/toi", "Một cán bộ xã Bản Giang hỏi bot mình là ai:"},
	{"03418", "Báo cáo ngày hôm nay: F0: 3 (cộng đồng 1), F1 25, F2 40; cách ly tập trung 15, tại nhà 30", "Xã Bản Giang báo cáo như vẫn gõ trong nhóm Zalo — có ca cộng đồng nên cảnh báo đi lên huyện và tỉnh:"},
	{"03601", "f0 2 f1 12 xn 150", "Xã Mường Khoa (huyện Tân Uyên) báo cáo qua Zalo, không dấu:"},
	{"03394", "F3 2", "Một báo cáo gõ nhầm: bot không ghi gì và hỏi lại:"},
	{"106", "/tonghop", "Huyện Tam Đường xem tổng hợp — số của xã đã cộng lên:"},
	{"12", "/tonghop", "Tỉnh Lai Châu xem tổng hợp toàn tỉnh:"},
	{"111", "/chidao Khẩn trương truy vết toàn bộ F1 liên quan ca bệnh tại xã Mường Khoa, lấy mẫu xét nghiệm trong ngày. Số 125/BCĐ, hạn 17h hôm nay, yêu cầu báo cáo kết quả", "Huyện Tân Uyên ra chỉ đạo xuống các xã (trên Zalo) — tin của lãnh đạo tự cập nhật tiến độ:"},
	{"03601", "/danhan CD-111-0001", "Xã Mường Khoa xác nhận đã nhận qua Zalo (Zalo không có nút bấm):"},
	{"03601", "/ketqua CD-111-0001 Đã truy vết 12 F1, lấy 150 mẫu", "…và báo cáo kết quả:"},
	{"111", "/trangthai CD-111-0001", "Huyện xem đơn vị nào chưa nhận, chưa báo cáo:"},
}

// intro2025 is the opening scene on the tree of July 2025: two tiers,
// the communes report straight to the province.
var intro2025 = []struct {
	unit, text, note string
}{
	{"03408", "/toi", "Một cán bộ phường Tân Phong (từ 01/07/2025 gồm cả xã Bản Giang cũ) hỏi bot mình là ai:"},
	{"03408", "Báo cáo ngày hôm nay: F0: 3 (cộng đồng 1), F1 25, F2 40; cách ly tập trung 15, tại nhà 30", "Phường Tân Phong báo cáo — có ca cộng đồng nên cảnh báo đi thẳng lên tỉnh (không còn cấp huyện):"},
	{"03598", "f0 2 f1 12 xn 150", "Xã Tân Uyên báo cáo, không dấu:"},
	{"12", "/tonghop", "Tỉnh Lai Châu xem tổng hợp của 38 xã, phường:"},
	{"12", "/chidao Khẩn trương truy vết toàn bộ F1 liên quan ca bệnh tại xã Tân Uyên, lấy mẫu xét nghiệm trong ngày. Gửi: 03598, 03408. Số 125/BCĐ, hạn 17h hôm nay, yêu cầu báo cáo kết quả", "Tỉnh ra chỉ đạo thẳng xuống hai xã, phường — tin của lãnh đạo tự cập nhật tiến độ:"},
	{"03598", "/danhan CD-12-0001", "Xã Tân Uyên xác nhận đã nhận:"},
	{"03598", "/ketqua CD-12-0001 Đã truy vết 12 F1, lấy 150 mẫu", "…và báo cáo kết quả:"},
	{"12", "/trangthai CD-12-0001", "Tỉnh xem đơn vị nào chưa nhận, chưa báo cáo:"},
}

// Run runs the demo in a terminal: the opening scene, then an input loop
// in which each line is sent as an official of the chosen unit and every
// message of the bot is printed with the chat it went to. With input that
// is not a terminal it runs the lines given and stops.
func Run(ctx context.Context, o RunOptions) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	out := &syncWriter{w: o.Out}
	dir := o.Dir
	var err error
	if dir == "" {
		dir, err = os.MkdirTemp("", "chihuy-demo-")
	} else {
		err = os.MkdirAll(dir, 0o755)
	}
	if err != nil {
		return fmt.Errorf(msgDirFailed, err)
	}
	logPath := filepath.Join(dir, "chihuy-demo.log")
	logFile, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return fmt.Errorf(msgLogFailed, err)
	}
	defer logFile.Close()
	log := zerolog.New(logFile).Level(o.LogLevel).With().Timestamp().Logger()
	start := o.Start
	if start.IsZero() {
		start = morning(time.Now())
	}
	clock := StartingAt(start)
	w, err := Start(ctx, Options{Log: log, Clock: clock, Units: o.Units})
	if err != nil {
		return err
	}
	defer w.Stop()
	if o.Units == units.TreeJuly2025 {
		fmt.Fprintf(out, msgBanner2025, w.Tree.Root().FullName(), w.Tree.Len(), len(w.Tree.Root().Children))
	} else {
		fmt.Fprintf(out, msgBanner, w.Tree.Root().FullName(), w.Tree.Len())
	}
	fmt.Fprintf(out, msgStoreNote, w.App.Cfg.HTTPAddr)
	fmt.Fprintf(out, msgDirNote, dir, logPath)
	files := &saver{dir: dir}
	printed := 0
	flush := func() {
		said := w.Said()
		fresh := said[printed:]
		for i := 0; i < len(fresh); i++ {
			printSaid(out, fresh[i], files)
			// A broadcast: the same text to many chats is shown once.
			same := 0
			for i+1 < len(fresh) && fresh[i+1].Text == fresh[i].Text && !fresh[i+1].Edited && fresh[i+1].File == "" {
				i++
				same++
			}
			if same > 0 {
				fmt.Fprintf(out, msgSameText, same)
			}
		}
		printed = len(said)
	}
	scene, first := intro, "03418"
	if o.Units == units.TreeJuly2025 {
		scene, first = intro2025, "03408"
	}
	if !o.NoIntro {
		for _, step := range scene {
			u, _ := w.Tree.Get(step.unit)
			fmt.Fprintf(out, "\n— %s\n[%s] > %s\n", step.note, label(u, w), step.text)
			if err := w.Say(step.unit, step.text); err != nil {
				return err
			}
			w.Quiet(ctx, 1200*time.Millisecond)
			flush()
		}
	}
	interactive := false
	if f, ok := o.In.(*os.File); ok && isatty.IsTerminal(f.Fd()) {
		interactive = true
	}
	cur, _ := w.Tree.Get(first)
	if interactive {
		fmt.Fprintf(out, "\n%s\n", replHelp)
	}
	lines := make(chan string)
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(o.In)
		sc.Buffer(make([]byte, 64*1024), 1<<20)
		for sc.Scan() {
			select {
			case lines <- sc.Text():
			case <-ctx.Done():
				return
			}
		}
	}()
	tick := time.NewTicker(300 * time.Millisecond)
	defer tick.Stop()
	var pending []string // lines of a message continued with a final \
	prompt := func() {
		if !interactive {
			return
		}
		if len(pending) > 0 {
			fmt.Fprint(out, msgContinue)
			return
		}
		fmt.Fprintf(out, "[%s] > ", label(cur, w))
	}
	for {
		prompt()
		var line string
		var ok bool
	wait:
		for {
			select {
			case <-ctx.Done():
				fmt.Fprintln(out)
				return nil
			case <-tick.C:
				if n := len(w.Said()); n > printed {
					fmt.Fprint(out, "\r")
					flush()
					prompt()
				}
			case line, ok = <-lines:
				break wait
			}
		}
		if !ok {
			if len(pending) > 0 {
				line, ok = "", true // the input ended inside a continued message: send it
			} else {
				w.Quiet(ctx, 1500*time.Millisecond)
				flush()
				return nil
			}
		}
		line, more := continued(line)
		if more || len(pending) > 0 {
			if line != "" {
				pending = append(pending, line)
			}
			if !interactive {
				// The echo of a script shows the line as typed, with its
				// final backslash.
				typed := line
				if more {
					typed += " \\"
				}
				if len(pending) == 1 {
					fmt.Fprintf(out, "[%s] > %s\n", label(cur, w), typed)
				} else {
					fmt.Fprintf(out, "%s %s\n", strings.Repeat(" ", len([]rune(label(cur, w)))+4), typed)
				}
			}
			if more {
				continue
			}
			line, pending = strings.Join(pending, "\n"), nil
		} else {
			line = strings.TrimSpace(line)
			if line == "" {
				continue
			}
			if !interactive {
				fmt.Fprintf(out, "[%s] > %s\n", label(cur, w), line)
			}
			if strings.HasPrefix(line, ":") {
				next, quit := command(ctx, out, w, cur, line, dir)
				if quit {
					w.Quiet(ctx, 1500*time.Millisecond)
					flush()
					return nil
				}
				cur = next
				w.Quiet(ctx, 800*time.Millisecond)
				flush()
				continue
			}
		}
		if line == "" {
			continue
		}
		if err := w.Say(cur.Code, line); err != nil {
			fmt.Fprintln(out, err)
			continue
		}
		w.Quiet(ctx, 800*time.Millisecond)
		flush()
	}
}

// morning is 09:00 of now's day in Vietnam (the demo's time zone), or
// now itself when the zone is unknown to the system.
func morning(now time.Time) time.Time {
	loc, err := time.LoadLocation(config.DefaultTimeZone)
	if err != nil {
		return now
	}
	d := now.In(loc)
	return time.Date(d.Year(), d.Month(), d.Day(), 9, 0, 0, 0, loc)
}

// continued reads the continuation syntax of multi-line messages: a line
// ending in a backslash goes on with the next line. It returns the line
// without the backslash and whether more follows.
func continued(line string) (string, bool) {
	t := strings.TrimRight(line, " \t")
	if strings.HasSuffix(t, "\\") {
		return strings.TrimSpace(strings.TrimSuffix(t, "\\")), true
	}
	return strings.TrimSpace(line), false
}

// command runs a ":" line of the demo.
func command(ctx context.Context, out io.Writer, w *World, cur *units.Unit, line, dir string) (*units.Unit, bool) {
	name, arg, _ := strings.Cut(strings.TrimPrefix(line, ":"), " ")
	arg = strings.TrimSpace(arg)
	switch name {
	case "q", "quit", "thoat":
		return cur, true
	case "help", "h", "?":
		fmt.Fprintln(out, replHelp)
	case "dv":
		if u, ok := w.Tree.Get(arg); ok {
			return u, false
		}
		found := w.Tree.Lookup(arg)
		switch len(found) {
		case 0:
			fmt.Fprintf(out, msgNoUnit, arg)
		case 1:
			return found[0], false
		default:
			for _, u := range found {
				fmt.Fprintf(out, "  %s\n", u)
			}
		}
	case "ds":
		u := w.Tree.Root()
		if arg != "" {
			if x, ok := w.Tree.Get(arg); ok {
				u = x
			}
		}
		fmt.Fprintf(out, "%s (%s):\n", u.Title(), u.Code)
		for _, c := range u.Children {
			fmt.Fprintf(out, "  %-6s %s%s\n", c.Code, c.FullName(), platformNote(w, c.Code))
		}
	case "tua":
		if err := fastForward(w, arg); err != nil {
			fmt.Fprintln(out, err)
		} else {
			fmt.Fprintf(out, msgClock, w.Clock.Now().In(w.App.Cfg.Location).Format("15:04 02/01/2006"))
		}
	case "bam", "bấm", "nhan", "nhấn":
		press(ctx, out, w, cur, arg)
	case "xuat", "xuất":
		exportTo(ctx, out, w, cur, arg, dir)
	case "cho", "chờ":
		waitFor(ctx, out, w, arg)
	default:
		fmt.Fprintf(out, msgUnknownCmd, name)
	}
	return cur, false
}

// fastForward moves the clock to the next hh:mm.
func fastForward(w *World, hhmm string) error {
	if err := w.checkTime(hhmm); err != nil {
		return err
	}
	w.fastForward(hhmm)
	return nil
}

func platformNote(w *World, code string) string {
	if w.OnZalo(code) {
		return " (Zalo)"
	}
	return ""
}

func label(u *units.Unit, w *World) string {
	if u == nil {
		return "?"
	}
	s := u.FullName()
	if w.OnZalo(u.Code) {
		s += " · Zalo"
	}
	return s
}

// printSaid prints one message of the bot; a file is saved and its path
// printed.
func printSaid(out io.Writer, s Said, files *saver) {
	where := s.Chat
	if s.Unit != nil {
		where = s.Unit.FullName()
	}
	platform := "Telegram"
	if s.Platform == "zalo" {
		platform = "Zalo"
	}
	verb := "→"
	if s.Edited {
		verb = "✎"
	}
	fmt.Fprintf(out, "  %s [%s · %s]\n", verb, platform, where)
	for _, line := range strings.Split(s.Text, "\n") {
		fmt.Fprintf(out, "    │ %s\n", line)
	}
	for _, row := range s.Buttons {
		var bs []string
		for _, b := range row {
			bs = append(bs, "["+b.Text+"]")
		}
		fmt.Fprintf(out, "    │ %s\n", strings.Join(bs, " "))
	}
	if s.File != "" && !s.Edited {
		name := path.Base(s.File)
		if p, err := files.save(s); err != nil {
			fmt.Fprintf(out, msgNotSaved, name, err)
		} else {
			fmt.Fprintf(out, msgSaved, name, p)
		}
	}
}

type syncWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}
