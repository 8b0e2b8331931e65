package app

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/chihuy/chihuy"
)

// newMux serves /healthz, /readyz, /metrics, the webhooks and the
// pictures Zalo fetches by URL.
func newMux(ready func(context.Context) error, reg *prometheus.Registry, webhooks map[string]http.Handler, pics *pictures) *http.ServeMux {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("ok\n"))
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		if err := ready(ctx); err != nil {
			http.Error(w, "not ready: "+err.Error(), http.StatusServiceUnavailable)
			return
		}
		w.Write([]byte("ready\n"))
	})
	mux.Handle("GET /metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{Registry: reg}))
	for platform, h := range webhooks {
		mux.Handle("/webhook/"+platform, h)
	}
	if pics != nil {
		mux.Handle("GET /p/", pics)
	}
	return mux
}

// pictures serves PNGs under unguessable paths that expire: Zalo's
// sendPhoto takes a URL, not bytes.
type pictures struct {
	base string // CHIHUY_PUBLIC_URL
	ttl  time.Duration
	now  func() time.Time

	mu    sync.Mutex
	files map[string]picture
}

type picture struct {
	data    []byte
	expires time.Time
}

func newPictures(base string, ttl time.Duration, now func() time.Time) *pictures {
	return &pictures{base: strings.TrimRight(base, "/"), ttl: ttl, now: now, files: map[string]picture{}}
}

// URL publishes f and returns its URL; ok is false without a public URL.
func (p *pictures) URL(_ context.Context, f chihuy.File) (string, bool) {
	if p == nil || p.base == "" || len(f.Data) == 0 {
		return "", false
	}
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", false
	}
	id := hex.EncodeToString(b[:]) + ".png"
	now := p.now()
	p.mu.Lock()
	defer p.mu.Unlock()
	for k, v := range p.files {
		if now.After(v.expires) {
			delete(p.files, k)
		}
	}
	p.files[id] = picture{data: f.Data, expires: now.Add(p.ttl)}
	return p.base + "/p/" + id, true
}

func (p *pictures) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	id := strings.TrimPrefix(r.URL.Path, "/p/")
	p.mu.Lock()
	pic, ok := p.files[id]
	p.mu.Unlock()
	if !ok || p.now().After(pic.expires) {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "image/png")
	w.Header().Set("Cache-Control", "private, max-age=3600")
	w.Write(pic.data)
}
