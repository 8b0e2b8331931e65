package app

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/chihuy/chihuy"
	"github.com/chihuy/chihuy/dataset"
	"github.com/chihuy/chihuy/schedule"
	"github.com/chihuy/chihuy/store"
)

// The scheduled jobs (§7, §8, §11): directive reminders and deadline
// reports every minute; the reporting reminder an hour before the daily
// deadline and the late list at it; the digests; the weekly compile; the
// retention sweep at 03:00.

// eveningCatchUp is how late the evening's jobs (late list, digests,
// weekly compile) still run: a bot restarted at 18:20, or at 23:00, still
// sends the 18:00 digest.
const eveningCatchUp = 6 * time.Hour

// newScheduler registers every job.
func (a *App) newScheduler() (*schedule.Scheduler, error) {
	opts := []schedule.Option{schedule.WithOwner(a.owner)}
	s := schedule.New(a.Store, a.clock, a.Cfg.Location, a.Log.With().Str("component", "scheduler").Logger(), opts...)
	sc := a.Cfg.Schedule
	h := a.Handler
	day := func(at time.Time) chihuy.Day { return chihuy.DayOf(at.In(a.Cfg.Location)) }
	// The reporting period follows the data set: a day, or the week
	// ending at the weekly deadline.
	deadline := schedule.Daily(sc.DailyDeadline.Hour, sc.DailyDeadline.Minute)
	span := 0
	if a.DataSet.Period == dataset.Weekly {
		deadline = schedule.Weekly(sc.WeeklyDeadline.Weekday, sc.WeeklyDeadline.Hour, sc.WeeklyDeadline.Minute)
		span = 6
	}
	// How late each job may still run (after a restart or a clock jump):
	// the evening's late list, digest and weekly compile until the
	// evening is over; the retention sweep until the next one; a reminder
	// only before its deadline (the scheduler's hour). The directive
	// reminders do what is due when they run: one run covers the minutes
	// missed.
	evening := schedule.CatchUp(eveningCatchUp)
	jobs := []struct {
		name, spec string
		job        schedule.Job
		opts       []schedule.JobOption
	}{
		{"directives", "* * * * *", func(ctx context.Context, at time.Time) error {
			return h.RemindAndEscalate(ctx, a.Cfg.Directives.ReminderInterval, a.Cfg.Directives.MaxReminders)
		}, []schedule.JobOption{schedule.Coalesce()}},
		{"remind", deadline.Add(-time.Hour).Spec(), func(ctx context.Context, at time.Time) error {
			to := day(at)
			n, err := h.RemindUnreported(ctx, to.AddDays(-span), to, at.Add(time.Hour))
			a.Log.Info().Int("units", n).Msg("reporting reminders sent")
			return err
		}, nil},
		{"late", deadline.Spec(), func(ctx context.Context, at time.Time) error {
			to := day(at)
			n, err := h.LateList(ctx, to.AddDays(-span), to)
			a.Log.Info().Int("parents", n).Msg("late lists sent")
			return err
		}, []schedule.JobOption{evening}},
		{"weekly", schedule.Weekly(sc.WeeklyDeadline.Weekday, sc.WeeklyDeadline.Hour, sc.WeeklyDeadline.Minute).Spec(), func(ctx context.Context, at time.Time) error {
			to := day(at)
			n, err := h.WeeklyCompile(ctx, to.AddDays(-6), to)
			a.Log.Info().Int("units", n).Msg("weekly compile sent")
			return err
		}, []schedule.JobOption{evening}},
		{"retention", schedule.Daily(3, 0).Spec(), a.retention, []schedule.JobOption{schedule.CatchUp(20 * time.Hour)}},
	}
	for _, t := range sc.Digest {
		jobs = append(jobs, struct {
			name, spec string
			job        schedule.Job
			opts       []schedule.JobOption
		}{fmt.Sprintf("digest-%02d%02d", t.Hour, t.Minute), schedule.Daily(t.Hour, t.Minute).Spec(), func(ctx context.Context, at time.Time) error {
			start := time.Now()
			n, err := h.SendDigests(ctx, day(at))
			a.Log.Info().Int("units", n).Dur("took", time.Since(start)).Msg("digests sent")
			return err
		}, []schedule.JobOption{evening}})
	}
	for _, j := range jobs {
		if err := s.Add(j.name, j.spec, j.job, j.opts...); err != nil {
			return nil, fmt.Errorf("schedule %s: %w", j.name, err)
		}
	}
	return s, nil
}

// runScheduler runs the scheduled jobs until ctx ends.
func (a *App) runScheduler(ctx context.Context) error {
	a.mu.Lock()
	s := a.sched
	a.mu.Unlock()
	if s == nil {
		return nil
	}
	return s.Run(ctx)
}

// Kick tells the scheduler the clock moved (the demo's fast-forward).
func (a *App) Kick() {
	a.mu.Lock()
	s := a.sched
	a.mu.Unlock()
	if s != nil {
		s.Kick()
	}
}

// retention exports report days older than the retention to files under
// the archive directory, then drops them from Redis. A day whose export
// fails stays in Redis: nothing is lost silently.
func (a *App) retention(ctx context.Context, at time.Time) error {
	before := chihuy.DayOf(at.In(a.Cfg.Location)).AddDays(-a.Cfg.RetentionDays)
	dir := a.archiveDir()
	n, err := a.Store.ExpireBefore(ctx, before, func(ctx context.Context, day store.DayArchive) error {
		path := filepath.Join(dir, day.Day.String(), day.Shard+".json")
		if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
			return fmt.Errorf("archive %s: %w", path, err)
		}
		b, err := json.Marshal(day)
		if err != nil {
			return fmt.Errorf("archive %s: %w", path, err)
		}
		tmp := path + ".tmp"
		if err := os.WriteFile(tmp, b, 0o640); err != nil {
			return fmt.Errorf("archive %s: %w", path, err)
		}
		return os.Rename(tmp, path)
	})
	a.Log.Info().Int("shard_days", n).Str("before", before.String()).Str("dir", dir).Err(err).Msg("retention")
	return err
}

// archiveDir is CHIHUY_ARCHIVE_DIR, default ./archive.
func (a *App) archiveDir() string {
	if d := os.Getenv("CHIHUY_ARCHIVE_DIR"); d != "" {
		return d
	}
	return "archive"
}
