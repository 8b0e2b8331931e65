package store_test

import (
	"bufio"
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chihuy/chihuy/directive"
	"github.com/chihuy/chihuy/internal/redistest"
	"github.com/chihuy/chihuy/store"
)

// cdCommunes is the number of communes in the national tree (SPEC §1).
const cdCommunes = 10047

// BenchmarkCreateDirective stores a directive from the national root to
// every commune: the id, the directive, 10,047 targets and the indexes.
// It reports the Redis memory one such directive takes.
func BenchmarkCreateDirective(b *testing.B) {
	ctx := context.Background()
	srv := redistest.Start(b, false)
	rdb := srv.Client(b)
	st := store.New(rdb, store.WithPrefix("chihuy"))
	targets := cdSynthetic(cdCommunes)
	d := directive.Directive{Issuer: "VN", By: cdLead, LeadChat: cdLeadCh, Created: cdT0,
		Body: strings.Repeat("Khẩn trương triển khai tiêm vắc xin mũi 3. ", 10), Deadline: cdT0.Add(48 * time.Hour)}
	before := cdUsedMemory(b, st)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		id, err := st.NextDirectiveID(ctx, "VN")
		if err != nil {
			b.Fatal(err)
		}
		d.ID, d.ProgressKey = id, "cd:"+id+":lead"
		if err := st.CreateDirective(ctx, d, targets); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	n, err := rdb.Get(ctx, st.Key("cdx", "seq", "VN")).Int()
	if err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(cdUsedMemory(b, st)-before)/float64(n), "redis-B/directive")
}

// BenchmarkDirectiveDelivered marks deliveries, as the outbox sender does
// once per confirmed send.
func BenchmarkDirectiveDelivered(b *testing.B) {
	ctx := context.Background()
	srv := redistest.Start(b, false)
	st := store.New(srv.Client(b), store.WithPrefix("chihuy"))
	targets := cdSynthetic(cdCommunes)
	id := cdNew(b, st, "VN", targets, nil)
	i := 0
	b.ReportAllocs()
	for b.Loop() {
		u := targets[i%len(targets)].Unit
		chat := cdChat(u)
		chat.ID += strconv.Itoa(i / len(targets))
		if err := st.DirectiveDelivered(ctx, id, u, chat, cdT0); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// BenchmarkDirectiveStatus reads the status of a national directive
// (/trangthai), with half the communes reached and a quarter acknowledged.
func BenchmarkDirectiveStatus(b *testing.B) {
	ctx := context.Background()
	srv := redistest.Start(b, false)
	st := store.New(srv.Client(b), store.WithPrefix("chihuy"))
	targets := cdSynthetic(cdCommunes)
	id := cdNew(b, st, "VN", targets, nil)
	for i, t := range targets[:cdCommunes/2] {
		if err := st.DirectiveDelivered(ctx, id, t.Unit, cdChat(t.Unit), cdT0); err != nil {
			b.Fatal(err)
		}
		if i%2 == 0 {
			if _, err := st.AckDirective(ctx, id, t.Unit, cdUser(t.Unit), cdT0.Add(time.Minute)); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		status, err := st.DirectiveStatus(ctx, id)
		if err != nil {
			b.Fatal(err)
		}
		if len(status.Units) != cdCommunes {
			b.Fatalf("%d units", len(status.Units))
		}
	}
}

// cdUsedMemory is the server's used_memory.
func cdUsedMemory(tb testing.TB, st *store.Store) int64 {
	tb.Helper()
	info, err := st.Client().Info(context.Background(), "memory").Result()
	if err != nil {
		tb.Fatal(err)
	}
	sc := bufio.NewScanner(strings.NewReader(info))
	for sc.Scan() {
		if v, ok := strings.CutPrefix(strings.TrimSpace(sc.Text()), "used_memory:"); ok {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				tb.Fatal(err)
			}
			return n
		}
	}
	tb.Fatal("no used_memory in INFO memory")
	return 0
}
