package demo

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/chihuy/chihuy"
	"github.com/chihuy/chihuy/export"
	"github.com/chihuy/chihuy/handlers"
	"github.com/chihuy/chihuy/units"
	"github.com/chihuy/chihuy/vntext"
)

// saver writes the files the bot sends into the demo's folder, numbered
// in the order they were sent: "003-106-xu-huong-106.png".
type saver struct {
	dir string
	mu  sync.Mutex
	n   int
}

// save writes the file of s and returns its path. A Telegram file comes
// with its content; a Zalo picture is a URL on the bot's HTTP address.
func (f *saver) save(s Said) (string, error) {
	data := s.FileData
	if len(data) == 0 {
		if !strings.HasPrefix(s.File, "http://") && !strings.HasPrefix(s.File, "https://") {
			return "", fmt.Errorf("no content for %s", s.File)
		}
		var err error
		if data, err = fetch(s.File); err != nil {
			return "", err
		}
	}
	f.mu.Lock()
	f.n++
	n := f.n
	f.mu.Unlock()
	unit := "x"
	if s.Unit != nil {
		unit = s.Unit.Code
	}
	p := filepath.Join(f.dir, fmt.Sprintf("%03d-%s-%s", n, unit, safeName(path.Base(s.File))))
	return p, os.WriteFile(p, data, 0o644)
}

// fetch reads a picture the bot published for Zalo.
func fetch(url string) ([]byte, error) {
	c := http.Client{Timeout: 5 * time.Second}
	resp, err := c.Get(url)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET %s: %s", url, resp.Status)
	}
	return io.ReadAll(io.LimitReader(resp.Body, 20<<20))
}

// safeName keeps letters, digits, dots and dashes of a file name.
func safeName(s string) string {
	s = strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '.', r == '-', r == '_':
			return r
		}
		return '-'
	}, s)
	if s == "" || s == "." || s == ".." {
		return "tep"
	}
	return s
}

// press presses a button of the latest message with buttons in the
// current unit's Telegram chat: the first, or the one whose text holds
// want ("Đã nhận", "xac nhan").
func press(ctx context.Context, out io.Writer, w *World, cur *units.Unit, want string) {
	if w.OnZalo(cur.Code) {
		fmt.Fprint(out, msgZaloButton)
		return
	}
	// A message with buttons may still be on its way (a script types
	// faster than a person): wait for one a little.
	wctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	w.WaitFor(wctx, cur.Code, func(s Said) bool { return len(s.Buttons) > 0 && s.TgID != 0 })
	said := w.SaidTo(cur.Code)
	for i := len(said) - 1; i >= 0; i-- {
		s := said[i]
		if len(s.Buttons) == 0 || s.TgID == 0 {
			continue
		}
		var names []string
		for _, row := range s.Buttons {
			for _, b := range row {
				names = append(names, "["+b.Text+"]")
				if want == "" || strings.Contains(vntext.Fold(b.Text), vntext.Fold(want)) {
					fmt.Fprintf(out, msgPressed, b.Text, firstLine(s.Text), s.Time.In(w.App.Cfg.Location).Format("15:04"))
					w.Press(cur.Code, s, b.Data)
					return
				}
			}
		}
		fmt.Fprintf(out, msgNoSuchBtn, strings.Join(names, " "), want)
		return
	}
	fmt.Fprintf(out, msgNoButton, cur.FullName())
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	if r := []rune(line); len(r) > 40 {
		line = string(r[:40]) + "…"
	}
	return "«" + line + "»"
}

// exportTo writes an export of the demo's own store to its folder, as
// `chihuy export` does for a bot's Redis: ":xuat [đơn vị] [từ] [đến] [csv]",
// dates as YYYY-MM-DD, by default the last 7 days of the current unit, in
// Excel.
func exportTo(ctx context.Context, out io.Writer, w *World, cur *units.Unit, arg, dir string) {
	fail := func(err error) { fmt.Fprintf(out, msgExportBad, chihuy.ErrorMessage(err)) }
	words := strings.Fields(arg)
	asCSV := false
	if n := len(words); n > 0 && strings.EqualFold(words[n-1], "csv") {
		asCSV, words = true, words[:n-1]
	}
	var days []chihuy.Day
	for len(words) > 0 && len(days) < 2 {
		d, err := chihuy.ParseDay(words[len(words)-1])
		if err != nil {
			break
		}
		days = append([]chihuy.Day{d}, days...)
		words = words[:len(words)-1]
	}
	to := chihuy.DayOf(w.Clock.Now().In(w.App.Cfg.Location))
	from := to.AddDays(-6)
	switch len(days) {
	case 1:
		from, to = days[0], days[0]
	case 2:
		from, to = days[0], days[1]
	}
	u := cur
	if name := strings.Join(words, " "); name != "" {
		if x, ok := w.Tree.Get(name); ok {
			u = x
		} else if found := w.Tree.Lookup(name); len(found) == 1 {
			u = found[0]
		} else {
			fmt.Fprintf(out, msgNoUnit, name)
			return
		}
	}
	t, err := handlers.ExportTable(ctx, w.App.Store, w.Tree, w.App.DataSet, u.Code, from, to, false)
	if err != nil {
		fail(err)
		return
	}
	var buf bytes.Buffer
	name := fmt.Sprintf("xuat-%s-%s-%s", u.Code, from, to)
	if asCSV {
		err, name = export.WriteCSV(&buf, t), name+".csv"
	} else {
		err, name = export.WriteXLSX(&buf, export.Book{Table: t, Levels: handlers.Levels(w.Tree)}), name+".xlsx"
	}
	if err != nil {
		fail(err)
		return
	}
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, buf.Bytes(), 0o644); err != nil {
		fail(err)
		return
	}
	fmt.Fprintf(out, msgExported, len(t.Rows), u.FullName(), from.Short(), to.Short(), p)
}

// waitFor waits, up to a minute, until the bot has sent a message whose
// text or file name holds want (":cho xu-huong-106.png"): a script
// waits for what the scheduler sends before it goes on.
func waitFor(ctx context.Context, out io.Writer, w *World, want string) {
	wctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	for {
		w.mu.Lock()
		ch := w.changed
		for _, s := range w.said {
			if strings.Contains(s.Text, want) || strings.Contains(s.File, want) {
				w.mu.Unlock()
				return
			}
		}
		w.mu.Unlock()
		select {
		case <-wctx.Done():
			fmt.Fprintf(out, msgWaitGaveUp, want)
			return
		case <-ch:
		}
	}
}
