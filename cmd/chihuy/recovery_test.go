package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Recovery end to end (SPEC §11): the bot as real processes — this test
// binary re-executed as the chihuy command — on a private redis-server and
// the fake Bot API; a process is killed with SIGKILL in the middle of the
// work. The times are measured by BenchmarkRecovery (BENCHMARKS.md); the
// tests check that nothing is lost or counted twice.

func TestKilledProcessRestartedAnswersEverything(t *testing.T) {
	if testing.Short() {
		t.Skip("starts bot processes")
	}
	recoveryScenario(t, false)
}

func TestKilledProcessStandbyAnswersEverything(t *testing.T) {
	if testing.Short() {
		t.Skip("starts bot processes")
	}
	recoveryScenario(t, true)
}

// A kill -9 in the middle of the evening digest job: the restarted
// instance finishes the job, and every bound unit gets its digest — once,
// but for the messages that were in flight at the kill (at least once).
func TestKilledInTheDigestJobEveryUnitGetsOne(t *testing.T) {
	if testing.Short() {
		t.Skip("starts bot processes")
	}
	tree := builtinTree(t)
	// Every province, and the districts of the first provinces: ~150
	// digests, with their charts.
	var codes []string
	for _, p := range tree.Root().Children {
		codes = append(codes, p.Code)
	}
	for _, p := range tree.Root().Children {
		for _, d := range p.Children {
			if len(codes) < 150 && !d.IsLeaf() {
				codes = append(codes, d.Code)
			}
		}
	}
	// The digest time is this minute: the job runs as soon as the bot
	// starts (it catches up the occurrence that just passed).
	loc, _ := time.LoadLocation("Asia/Ho_Chi_Minh")
	now := time.Now().In(loc)
	at := time.Date(now.Year(), now.Month(), now.Day(), now.Hour(), now.Minute(), 0, 0, loc)
	job := fmt.Sprintf("digest-%02d%02d", at.Hour(), at.Minute())
	w := newWorldOf(t, codes, fmt.Sprintf("schedule: {digest: [\"%02d:%02d\"]}\n", at.Hour(), at.Minute()), "")
	digests := func() map[int64]int {
		n := map[int64]int{}
		for _, s := range w.tg.Messages() {
			if _, ok := w.groups[s.Chat]; ok && strings.Contains(s.Text, "TỔNG HỢP NGÀY") {
				n[s.Chat]++
			}
		}
		return n
	}
	bot := w.start("bot-a")
	deadline := time.Now().Add(60 * time.Second)
	for len(digests()) == 0 {
		if time.Now().After(deadline) {
			t.Fatalf("no digest sent; logs:\n%s", w.logTail())
		}
		time.Sleep(5 * time.Millisecond)
	}
	w.kill9(bot)
	before := len(digests())
	w.start("bot-a")
	deadline = time.Now().Add(120 * time.Second)
	for len(digests()) < len(codes) {
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d units got their digest; logs:\n%s", len(digests()), len(codes), w.logTail())
		}
		time.Sleep(20 * time.Millisecond)
	}
	st := w.store()
	run, ok, err := st.JobRun(context.Background(), job, at)
	if err != nil || !ok {
		t.Fatalf("job %s: %v, %v", job, ok, err)
	}
	if !run.Done() || run.Resumed < 1 {
		t.Errorf("job %s: %+v, want done after a resumption", job, run)
	}
	twice := 0
	for chat, n := range digests() {
		if n > 2 {
			t.Errorf("%s got %d digests", w.groups[chat], n)
		}
		if n > 1 {
			twice++
		}
	}
	// At least once: what was in flight at the kill (at most one a chat,
	// and no more than the sender's workers) may go out again.
	if twice > 30 {
		t.Errorf("%d units got their digest twice, more than the sends in flight", twice)
	}
	t.Logf("%d of %d digests out before the kill, %d sent twice", before, len(codes), twice)
}

// A second live process under the same instance name refuses to start,
// with the reason in Vietnamese and English.
func TestLiveTwinRefusesToStart(t *testing.T) {
	if testing.Short() {
		t.Skip("starts bot processes")
	}
	w := newRecoveryWorld(t, 1)
	w.start("bot-a")
	w.awaitPolls(0, 1)
	twin := w.start("bot-a")
	err := twin.Wait()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() == 0 {
		t.Fatalf("the twin exited with %v, want a failure", err)
	}
	b, _ := os.ReadFile(filepath.Join(w.dir, "bot-2-bot-a.log"))
	if !strings.Contains(string(b), "CHIHUY_INSTANCE") || !strings.Contains(string(b), "Một tiến trình khác") {
		t.Errorf("the twin's output does not say why:\n%s", b)
	}
}

// BenchmarkRecovery measures the time from kill -9 of the active process
// to the last of 40 pending answers: restarted at once under its name, or
// taken over by a standby.
func BenchmarkRecovery(b *testing.B) {
	for _, standby := range []bool{false, true} {
		name := "restart"
		if standby {
			name = "standby"
		}
		b.Run(name, func(b *testing.B) {
			var total time.Duration
			for i := 0; i < b.N; i++ {
				total += recoveryScenario(b, standby)
			}
			b.ReportMetric(total.Seconds()/float64(b.N), "s-to-answer-all")
			b.ReportMetric(0, "ns/op")
		})
	}
}

// recoveryScenario runs one crash: 40 reports, the active process killed
// 0.3 s later, then either the same instance restarted at once or a
// standby (already running) left alone. It returns the time from the kill
// to the last answer.
func recoveryScenario(tb testing.TB, standby bool) time.Duration {
	w := newRecoveryWorld(tb, 40)
	active := w.start("bot-a")
	w.awaitPolls(0, 1)
	if standby {
		w.start("bot-b")
		time.Sleep(time.Second) // the standby is up and waiting for the leases
	}
	w.report("F0 1")
	time.Sleep(300 * time.Millisecond)
	w.kill9(active)
	killed := time.Now()
	if !standby {
		w.start("bot-a")
	}
	took := w.awaitEchoes(killed, 60*time.Second)
	w.checkRecorded()
	return took
}
