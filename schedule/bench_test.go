package schedule

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/chihuy/chihuy"
)

// BenchmarkIdleLook is one look at the clock when nothing is due, what the
// scheduler does every poll interval: it must cost no Redis call and
// little time, with a realistic set of jobs (reminders, deadlines, digests).
func BenchmarkIdleLook(b *testing.B) {
	ict := time.FixedZone("ICT", 7*60*60) // Asia/Ho_Chi_Minh
	now := time.Date(2021, 11, 8, 9, 0, 0, 0, ict)
	clock := chihuy.ClockFunc(func() time.Time { return now })
	s := New(nil, clock, ict, zerolog.Nop())
	for i := range 10 {
		spec := fmt.Sprintf("%d %d * * *", i, 16+i%3)
		if err := s.Add(fmt.Sprintf("job%d", i), spec, func(context.Context, time.Time) error { return nil }); err != nil {
			b.Fatal(err)
		}
	}
	for _, e := range s.jobs {
		e.cursor = now.Add(-time.Second)
	}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if due := s.due(ctx, now); len(due) != 0 {
			b.Fatalf("due %v", due)
		}
		s.wait(now, nil)
	}
}

// BenchmarkLatestMinutely is the worst first look: a job due every minute,
// whose last occurrence is searched back from the catch-up edge.
func BenchmarkLatestMinutely(b *testing.B) {
	s := New(nil, nil, nil, zerolog.Nop())
	if err := s.Add("minutely", "* * * * *", func(context.Context, time.Time) error { return nil }); err != nil {
		b.Fatal(err)
	}
	e := s.jobs[0]
	now := time.Date(2021, 11, 8, 9, 0, 30, 0, s.loc)
	b.ReportAllocs()
	for b.Loop() {
		if at := e.latest(now.Add(-lookback), now); at.IsZero() {
			b.Fatal("no occurrence")
		}
	}
}
