package store_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/chihuy/chihuy"
	"github.com/chihuy/chihuy/report"
	"github.com/chihuy/chihuy/store"
)

func TestAlertOnce(t *testing.T) {
	ctx := context.Background()
	st := newReportStore(t)
	at := func(min int) time.Time { return time.Date(2021, 11, 8, 10, min, 0, 0, time.UTC) }
	steps := []struct {
		name  string
		shard string
		alert store.Alert
		fire  bool
	}{
		{"first community F0", "12", store.Alert{Unit: "03418", Rule: "f0cd", Day: day8, Value: 1, At: at(1)}, true},
		{"same value again", "12", store.Alert{Unit: "03418", Rule: "f0cd", Day: day8, Value: 1, At: at(2)}, false},
		{"lower value", "12", store.Alert{Unit: "03418", Rule: "f0cd", Day: day8, Value: 0, At: at(3)}, false},
		{"value grew", "12", store.Alert{Unit: "03418", Rule: "f0cd", Day: day8, Value: 3, At: at(4)}, true},
		{"back to a smaller value", "12", store.Alert{Unit: "03418", Rule: "f0cd", Day: day8, Value: 2, At: at(5)}, false},
		{"another rule, same unit", "12", store.Alert{Unit: "03418", Rule: "tuvong", Day: day8, Value: 1, At: at(6)}, true},
		{"another unit, same rule", "12", store.Alert{Unit: "03419", Rule: "f0cd", Day: day8, Value: 1, At: at(0)}, true},
		{"another day", "12", store.Alert{Unit: "03418", Rule: "f0cd", Day: day9, Value: 1, At: at(7)}, true},
		{"another shard", "04", store.Alert{Unit: "01000", Rule: "f0cd", Day: day8, Value: 1, At: at(8)}, true},
		{"zero value first time", "12", store.Alert{Unit: "106", Rule: "oxy", Day: day8, Value: 0, At: at(9)}, true},
		{"no time: the store's clock", "12", store.Alert{Unit: "105", Rule: "f0kr", Day: day8, Value: 1}, true},
	}
	for _, s := range steps {
		fire, err := st.AlertOnce(ctx, s.shard, s.alert)
		if err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		if fire != s.fire {
			t.Errorf("%s: fire = %v, want %v", s.name, fire, s.fire)
		}
	}

	got, err := st.AlertsOfDay(ctx, "12", day8)
	if err != nil {
		t.Fatal(err)
	}
	want := []store.Alert{
		{Unit: "03419", Rule: "f0cd", Day: day8, Value: 1, At: at(0)},
		{Unit: "03418", Rule: "f0cd", Day: day8, Value: 3, At: at(4)},
		{Unit: "03418", Rule: "tuvong", Day: day8, Value: 1, At: at(6)},
		{Unit: "106", Rule: "oxy", Day: day8, Value: 0, At: at(9)},
	}
	if len(got) != len(want)+1 {
		t.Fatalf("AlertsOfDay: %d alerts %+v, want %d", len(got), got, len(want)+1)
	}
	// The clock-stamped alert sorts first: the test clock starts at 09:00:01
	// on the 8th, before the others.
	if got[0].Unit != "105" || got[0].At.IsZero() {
		t.Errorf("clock-stamped alert: %+v", got[0])
	}
	if !slices.EqualFunc(got[1:], want, func(a, b store.Alert) bool {
		return a.Unit == b.Unit && a.Rule == b.Rule && a.Day == b.Day && a.Value == b.Value && a.At.Equal(b.At)
	}) {
		t.Errorf("AlertsOfDay:\n got %+v\nwant %+v", got[1:], want)
	}
	if other, err := st.AlertsOfDay(ctx, "04", day10); err != nil || len(other) != 0 {
		t.Errorf("alerts of a quiet day: %v, %v", other, err)
	}
}

func TestAlertOnceRejects(t *testing.T) {
	ctx := context.Background()
	st := newReportStore(t)
	tests := []struct {
		name     string
		shard    string
		alert    store.Alert
		wantCode string
	}{
		{"no day", "12", store.Alert{Unit: "03418", Rule: "f0cd", Value: 1}, chihuy.EINVALID},
		{"value too large", "12", store.Alert{Unit: "03418", Rule: "f0cd", Day: day8, Value: report.MaxValue + 1}, chihuy.EINVALID},
		{"no rule", "12", store.Alert{Unit: "03418", Day: day8, Value: 1}, chihuy.EINTERNAL},
		{"tab in a rule", "12", store.Alert{Unit: "03418", Rule: "f0\tcd", Day: day8, Value: 1}, chihuy.EINTERNAL},
		{"no shard", "", store.Alert{Unit: "03418", Rule: "f0cd", Day: day8, Value: 1}, chihuy.EINTERNAL},
		{"no unit", "12", store.Alert{Rule: "f0cd", Day: day8, Value: 1}, chihuy.EINTERNAL},
	}
	for _, tc := range tests {
		fire, err := st.AlertOnce(ctx, tc.shard, tc.alert)
		if got := chihuy.ErrorCode(err); got != tc.wantCode || fire {
			t.Errorf("%s: fire %v, error %v (code %q), want code %q", tc.name, fire, err, got, tc.wantCode)
		}
	}
}
