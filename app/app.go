// Package app wires the bot's parts together from a configuration: the
// store, the unit tree and data set, the platform clients with their
// intake (long poll under a lease, or webhooks), the update processor,
// one outbox sender per platform, the scheduler, and the HTTP server for
// health, metrics, webhooks and pictures. cmd/chihuy only parses flags and
// calls it; the demo and the end-to-end tests run the very same wiring.
package app

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/rs/zerolog"

	"github.com/chihuy/chihuy"
	"github.com/chihuy/chihuy/bot"
	"github.com/chihuy/chihuy/bot/telegram"
	"github.com/chihuy/chihuy/bot/zalo"
	"github.com/chihuy/chihuy/config"
	"github.com/chihuy/chihuy/dataset"
	"github.com/chihuy/chihuy/handlers"
	"github.com/chihuy/chihuy/schedule"
	"github.com/chihuy/chihuy/store"
	"github.com/chihuy/chihuy/units"
)

// Options are what the configuration does not say: injected collaborators
// for tests and the demo.
type Options struct {
	// Clock is the time source; the system clock when nil.
	Clock chihuy.Clock
	// Store is an already opened store; when nil the configuration's
	// CHIHUY_REDIS_URL is opened (or the embedded store started).
	Store *store.Store
	// Tree is an already loaded unit tree; when nil the configuration's.
	Tree *units.Tree
	// HTTPClient is used by the platform clients.
	HTTPClient *http.Client
	// PollTimeout is the long-poll timeout (zero: the platform client's
	// default, 30 s).
	PollTimeout time.Duration
	// Listener, when set, serves HTTP instead of CHIHUY_HTTP_ADDR.
	Listener net.Listener
	// Demo enables demo-only commands.
	Demo bool
	// FastForward moves the demo's clock (/tua); demo only.
	FastForward func(hhmm string) error
	// Workers is how many chats are handled in parallel (4 when zero).
	Workers int
	// Instance overrides the configuration's instance name (tests that
	// run several processes in one).
	Instance string
}

// App is a wired bot.
type App struct {
	Cfg      *config.Config
	Log      zerolog.Logger
	Store    *store.Store
	Tree     *units.Tree
	DataSet  *dataset.DataSet
	Handler  *handlers.Handler
	Registry *prometheus.Registry
	Metrics  *bot.Metrics

	opts      Options
	clock     chihuy.Clock
	owner     string
	platforms []*platform
	pics      *pictures
	latency   *prometheus.HistogramVec
	ownStore  bool

	mu    sync.Mutex
	sched *schedule.Scheduler
	// switchAt is when a configured reorganisation comes into force (zero:
	// none pending); Run then stops with ErrReorganised.
	switchAt time.Time
}

// platform is one enabled chat platform.
type platform struct {
	name   string
	client bot.Platform
	recv   bot.Receiver
	mode   config.Mode
	info   bot.Info
}

// New wires the bot: loads units and data set, opens the store, applies
// the configured bindings and roles, connects to each enabled platform
// (getMe, command menu). It does not start receiving or sending.
func New(ctx context.Context, cfg *config.Config, log zerolog.Logger, opts Options) (*App, error) {
	a := &App{Cfg: cfg, Log: log, opts: opts, clock: opts.Clock, owner: cmp.Or(opts.Instance, cfg.Instance, "chihuy")}
	if a.clock == nil {
		a.clock = chihuy.SystemClock{}
	}
	var err error
	if a.Tree = opts.Tree; a.Tree == nil {
		if a.Tree, err = cfg.LoadUnits(); err != nil {
			return nil, err
		}
	}
	if err := config.Validate(cfg, a.Tree); err != nil {
		return nil, err
	}
	if a.DataSet, err = LoadDataSet(cfg); err != nil {
		return nil, err
	}
	if a.Store = opts.Store; a.Store == nil {
		if a.Store, err = store.Open(ctx, cfg.RedisURL, store.WithClock(a.clock)); err != nil {
			return nil, err
		}
		a.ownStore = true
		if a.Store.Embedded() {
			log.Warn().Msg("!!! CHIHUY_REDIS_URL is empty: using an EMBEDDED IN-MEMORY store. NOTHING PERSISTS — every report, binding and queued message is lost when the process stops. Set CHIHUY_REDIS_URL for production. !!!")
		}
	}
	plan, err := a.setUpTree(ctx)
	if err != nil {
		a.Close()
		return nil, err
	}
	// The store answers in the tree in force from now on; a
	// reorganisation coming into force restarts the process (awaitSwitch),
	// which sets the new tree here.
	a.Store.SetTree(a.Tree)
	a.Registry = prometheus.NewRegistry()
	a.Registry.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	if a.Metrics, err = bot.NewMetrics(a.Registry); err != nil {
		a.Close()
		return nil, err
	}
	a.latency = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "chihuy_handler_duration_seconds", Help: "Time to handle one update, by kind and outcome.",
		Buckets: prometheus.DefBuckets,
	}, []string{"kind", "outcome"})
	a.Registry.MustRegister(a.latency)
	a.pics = newPictures(cfg.PublicURL, 24*time.Hour, a.clock.Now)

	infos := map[string]handlers.PlatformInfo{}
	for _, pc := range cfg.Platforms() {
		if !pc.Enabled() {
			continue
		}
		p, err := a.connect(ctx, pc)
		if err != nil {
			a.Close()
			return nil, err
		}
		a.platforms = append(a.platforms, p)
		info := handlers.PlatformInfo{Buttons: p.client.HasButtons(), CanReadAll: p.info.CanReadAllGroupMessages, TextLimit: p.client.TextLimit()}
		if e, ok := p.client.(interface{ CanEdit() bool }); ok {
			info.NoEdits = !e.CanEdit()
		}
		_, info.Menus = p.client.(bot.ScopedCommandSetter)
		infos[p.name] = info
	}
	a.Handler = handlers.New(handlers.Deps{
		Store: a.Store, Tree: a.Tree, Reorg: plan, DataSet: a.DataSet, Clock: a.clock, Loc: cfg.Location,
		Log: log.With().Str("component", "handlers").Logger(), Admins: cfg.Admins, Platforms: infos,
		InviteTTL: cfg.InviteTTL, ReportWindow: cfg.ReportWindowDays,
		DailyDeadline: cfg.Schedule.DailyDeadline.SinceMidnight(),
		Demo:          opts.Demo, FastForward: opts.FastForward, Coverage: cfg.Coverage, ConfirmAbove: cfg.Directives.ConfirmAbove,
		AnswerCallback: a.answerCallback, SetMenu: a.setMenu,
	})
	sched, err := a.newScheduler()
	if err != nil {
		a.Close()
		return nil, err
	}
	a.sched = sched
	return a, nil
}

// LoadDataSet reads the configured data set (or the built-in one) and
// applies the configured oxygen threshold.
func LoadDataSet(cfg *config.Config) (*dataset.DataSet, error) {
	ds := dataset.Builtin()
	if cfg.Dataset != "" {
		var err error
		if ds, err = dataset.Load(cfg.Dataset); err != nil {
			return nil, err
		}
		return ds, nil
	}
	// The built-in set's oxygen rule follows alerts.oxy_below.
	cp := *ds
	cp.Rules = nil
	for _, r := range ds.Rules {
		if r.Element == "oxy" && (r.Op == dataset.OpLT || r.Op == dataset.OpLE) {
			if cfg.Alerts.OxyBelow <= 0 {
				continue
			}
			r.Op, r.Threshold = dataset.OpLT, int64(cfg.Alerts.OxyBelow)
		}
		cp.Rules = append(cp.Rules, r)
	}
	return &cp, nil
}

// connect creates a platform's client and asks who the bot is.
func (a *App) connect(ctx context.Context, pc config.Platform) (*platform, error) {
	log := a.Log.With().Str("platform", pc.Name).Logger()
	p := &platform{name: pc.Name, mode: pc.Mode}
	switch pc.Name {
	case chihuy.Telegram:
		topts := []telegram.Option{telegram.WithClock(a.clock),
			telegram.WithErrorHandler(func(err error) { log.Warn().Err(err).Msg("telegram") }), telegram.WithLogger(log)}
		if a.opts.PollTimeout > 0 {
			topts = append(topts, telegram.WithPollTimeout(a.opts.PollTimeout))
		}
		if a.opts.HTTPClient != nil {
			topts = append(topts, telegram.WithHTTPClient(a.opts.HTTPClient))
		}
		c, err := telegram.New(ctx, pc.Token, pc.APIURL, topts...)
		if err != nil {
			return nil, fmt.Errorf("connect to telegram at %s: %w", config.RedactURL(pc.APIURL), err)
		}
		p.client, p.recv = c, c
	case chihuy.Zalo:
		zopts := []zalo.Option{zalo.WithClock(a.clock), zalo.WithLogger(log), zalo.WithPhotoURL(a.pics.URL)}
		if a.opts.PollTimeout > 0 {
			zopts = append(zopts, zalo.WithPollTimeout(a.opts.PollTimeout))
		}
		if a.opts.HTTPClient != nil {
			zopts = append(zopts, zalo.WithHTTPClient(a.opts.HTTPClient))
		}
		c := zalo.New(pc.Token, pc.APIURL, zopts...)
		p.client, p.recv = c, c
	default:
		return nil, fmt.Errorf("unknown platform %q", pc.Name)
	}
	info, err := p.client.Me(ctx)
	if err != nil {
		return nil, fmt.Errorf("%s getMe: %w", pc.Name, err)
	}
	p.info = info
	log.Info().Str("bot", info.Username).Bool("can_read_all_group_messages", info.CanReadAllGroupMessages).
		Bool("can_join_groups", info.CanJoinGroups).Str("mode", string(pc.Mode)).Msg("platform connected")
	if pc.Name == chihuy.Telegram && !info.CanReadAllGroupMessages {
		log.Warn().Msg("Telegram privacy mode is ON: in groups the bot sees only commands and replies to it, so free-text reports are not received. Turn it off with BotFather /setprivacy, or make the bot a group admin; /baocao … still works.")
	}
	if err := p.client.SetCommands(ctx, handlers.Menu(chihuy.RoleMember)); err != nil {
		log.Warn().Err(err).Msg("set command menu")
	}
	a.leadMenus(ctx, log, p)
	return p, nil
}

// Run receives, handles and sends until ctx ends, then shuts down
// gracefully: stops receiving, lets in-flight sends finish, releases the
// poll lease.
func (a *App) Run(ctx context.Context) error {
	// The instance's heartbeat first: a live twin refuses the start, a dead
	// self's leases, reservations, journal entries and job claims are
	// taken back below under the same name.
	inst, err := a.Store.StartInstance(ctx, a.owner)
	if err != nil {
		return err
	}
	defer inst.Close()
	a.Log.Info().Str("instance", a.owner).Msg("instance started")
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	errc := make(chan error, 8)
	goRun := func(name string, fn func(context.Context) error) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := fn(ctx); err != nil && ctx.Err() == nil {
				a.Log.Error().Err(err).Str("component", name).Msg("stopped")
				errc <- fmt.Errorf("%s: %w", name, err)
			}
		}()
	}

	webhooks := map[string]http.Handler{}
	for _, p := range a.platforms {
		record := a.recordFunc(p.name)
		if p.mode == config.Webhook {
			webhooks[p.name] = p.recv.Webhook(a.Cfg.WebhookSecret, record)
			url := a.Cfg.PublicURL + "/webhook/" + p.name
			if err := p.recv.SetWebhook(ctx, url, a.Cfg.WebhookSecret); err != nil {
				return fmt.Errorf("%s setWebhook %s: %w", p.name, url, err)
			}
			continue
		}
		p := p
		goRun(p.name+" poll", func(ctx context.Context) error { return a.poll(ctx, p, record) })
	}
	for _, p := range a.platforms {
		lim := a.Cfg.Limits[p.name]
		ob := bot.NewOutbox(a.Store, p.client, bot.Limits{
			PerSecond: lim.PerSecond, PerChatPerSecond: lim.PerChatPerSecond, PerGroupPerMinute: int(lim.PerGroupPerMinute),
		}, bot.WithOwner(a.owner), bot.WithMetrics(a.Metrics), bot.WithLogger(a.Log.With().Str("component", "outbox").Str("platform", p.name).Logger()),
			bot.OnChatGone(a.Handler.ChatGone), bot.OnSent(a.Handler.Sent), bot.OnDead(a.Handler.Dead), bot.OnMigrated(a.Handler.Migrated))
		goRun(p.name+" outbox", ob.Run)
	}
	workers := a.opts.Workers
	if workers == 0 {
		workers = 4
	}
	goRun("handlers", func(ctx context.Context) error {
		return a.Handler.Run(ctx, a.owner, workers, func(kind string, d time.Duration, err error) {
			outcome := "ok"
			if err != nil {
				outcome = "error"
			}
			a.latency.WithLabelValues(kind, outcome).Observe(d.Seconds())
		})
	})
	goRun("scheduler", a.runScheduler)
	if !a.switchAt.IsZero() {
		goRun("reorganisation", a.awaitSwitch)
	}

	srv := &http.Server{Handler: newMux(a.Store.Ready, a.Registry, webhooks, a.pics), ReadHeaderTimeout: 10 * time.Second}
	ln := a.opts.Listener
	if ln == nil {
		var err error
		if ln, err = net.Listen("tcp", a.Cfg.HTTPAddr); err != nil {
			cancel()
			wg.Wait()
			return fmt.Errorf("listen on %s: %w", a.Cfg.HTTPAddr, err)
		}
	}
	a.Log.Info().Str("addr", ln.Addr().String()).Msg("http: /healthz /readyz /metrics")
	wg.Add(1)
	go func() {
		defer wg.Done()
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			errc <- fmt.Errorf("http: %w", err)
		}
	}()

	var runErr error
	select {
	case <-ctx.Done():
	case runErr = <-errc:
	}
	a.Log.Info().Msg("shutting down")
	sctx, scancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer scancel()
	srv.Shutdown(sctx)
	cancel()
	wg.Wait()
	return runErr
}

// recordFunc records an update durably (the platform is acknowledged
// after it returns nil) and counts it.
func (a *App) recordFunc(platform string) bot.RecordFunc {
	return func(ctx context.Context, u chihuy.Update) error {
		fresh, err := a.Store.RecordUpdate(ctx, u)
		if err == nil && fresh {
			a.Metrics.UpdateReceived(platform)
		}
		return err
	}
}

// poll long-polls while this process holds the platform's poll lease:
// with several processes, one polls and the others stand by.
func (a *App) poll(ctx context.Context, p *platform, record bot.RecordFunc) error {
	for ctx.Err() == nil {
		err := a.Store.HoldLease(ctx, "poll:"+p.name, a.owner, store.DefaultLeaseTTL, func(lctx context.Context) error {
			a.Log.Info().Str("platform", p.name).Msg("polling")
			return p.recv.Poll(lctx, record)
		})
		if errors.Is(err, zalo.ErrWebhookSet) {
			return fmt.Errorf("%w (run `chihuy zalo-webhook --delete`, or set CHIHUY_ZALO_MODE=webhook)", err)
		}
		if err != nil && ctx.Err() == nil {
			a.Log.Warn().Err(err).Str("platform", p.name).Msg("poll stopped; retrying")
			select {
			case <-ctx.Done():
			case <-time.After(2 * time.Second):
			}
		}
	}
	return nil
}

// answerCallback answers a button press through its platform at once,
// outside the outbox (handlers.Deps.AnswerCallback).
func (a *App) answerCallback(ctx context.Context, m chihuy.Message) error {
	p, ok := a.Platform(m.Chat.Platform)
	if !ok {
		return fmt.Errorf("answer button press: platform %q not enabled", m.Chat.Platform)
	}
	_, err := p.Send(ctx, m, "")
	return err
}

// Platform returns the client of an enabled platform.
func (a *App) Platform(name string) (bot.Platform, bool) {
	for _, p := range a.platforms {
		if p.name == name {
			return p.client, true
		}
	}
	return nil, false
}

// Close releases the store when the app opened it.
func (a *App) Close() error {
	if a.ownStore && a.Store != nil {
		return a.Store.Close()
	}
	return nil
}
