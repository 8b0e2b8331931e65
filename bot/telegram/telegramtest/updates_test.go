package telegramtest

import (
	"encoding/json"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestGetUpdatesOffset(t *testing.T) {
	s := start(t)
	var ids []int
	for i := range 4 {
		id, _ := s.PushMessage(7, "private", "", 7, "Lan", "tin "+strconv.Itoa(i))
		ids = append(ids, id)
	}
	updateIDs := func(a answer) []int {
		var us []struct {
			UpdateID int `json:"update_id"`
		}
		if err := json.Unmarshal(a.Result, &us); err != nil {
			t.Fatalf("result %s: %v", a.Result, err)
		}
		out := []int{}
		for _, u := range us {
			out = append(out, u.UpdateID)
		}
		return out
	}
	steps := []struct {
		kv          []string
		want        []int
		wantPending int
	}{
		{nil, ids, 4},
		{[]string{"offset", strconv.Itoa(ids[1])}, ids[1:], 3},
		{[]string{"limit", "1"}, ids[1:2], 3},
		{[]string{"offset", "-1"}, ids[3:], 1},
		{[]string{"offset", strconv.Itoa(ids[3] + 1)}, []int{}, 0},
	}
	for i, st := range steps {
		got := updateIDs(form(t, s, "getUpdates", st.kv...))
		if !reflect.DeepEqual(got, st.want) || s.Pending() != st.wantPending {
			t.Errorf("step %d %v: got %v pending %d, want %v pending %d", i, st.kv, got, s.Pending(), st.want, st.wantPending)
		}
	}
}

func TestGetUpdatesLongPoll(t *testing.T) {
	s := start(t)
	t.Run("wakes on a new update", func(t *testing.T) {
		done := poller(s, "timeout", "10")
		for s.Polling() == 0 {
			time.Sleep(time.Millisecond)
		}
		id, _ := s.PushMessage(7, "private", "", 7, "Lan", "F0 1")
		select {
		case a := <-done:
			if !strings.Contains(string(a.Result), `"update_id":`+strconv.Itoa(id)) {
				t.Errorf("result %s", a.Result)
			}
		case <-time.After(5 * time.Second):
			t.Fatal("the long poll did not wake")
		}
		form(t, s, "getUpdates", "offset", strconv.Itoa(id+1))
	})
	t.Run("ends empty at the timeout", func(t *testing.T) {
		a := form(t, s, "getUpdates", "timeout", "1")
		if !a.OK || string(a.Result) != "[]" {
			t.Errorf("answer %+v", a)
		}
	})
	t.Run("a second poller ends the first", func(t *testing.T) {
		done := poller(s, "timeout", "30")
		for s.Polling() == 0 {
			time.Sleep(time.Millisecond)
		}
		if a := form(t, s, "getUpdates"); !a.OK {
			t.Errorf("second poller: %+v", a)
		}
		select {
		case a := <-done:
			if a.Status != 409 || !strings.Contains(a.Description, "terminated by other getUpdates request") {
				t.Errorf("first poller: %+v", a)
			}
		case <-time.After(5 * time.Second):
			t.Fatal("the first poller was not ended")
		}
	})
	t.Run("ends empty when the server closes", func(t *testing.T) {
		s2 := Start()
		done := poller(s2, "timeout", "30")
		for s2.Polling() == 0 {
			time.Sleep(time.Millisecond)
		}
		s2.Close()
		select {
		case a := <-done:
			if !a.OK || string(a.Result) != "[]" {
				t.Errorf("answer %+v", a)
			}
		case <-time.After(5 * time.Second):
			t.Fatal("Close did not end the long poll")
		}
	})
}

func TestAllowedUpdates(t *testing.T) {
	s := start(t)
	_, mid := s.PushMessage(-100, "supergroup", "A", 1, "x", "một")
	s.PushCallback(-100, mid, 1, "x", "ack")
	want, _ := s.PushMessage(-100, "supergroup", "A", 1, "x", "hai")
	a := form(t, s, "getUpdates", "allowed_updates", `["edited_message"]`, "offset", strconv.Itoa(want))
	if string(a.Result) != "[]" {
		t.Fatalf("result %s, want none", a.Result)
	}
	s.PushEdit(-100, mid, "một (sửa)")
	a = form(t, s, "getUpdates")
	if !strings.Contains(string(a.Result), `"edited_message"`) || strings.Contains(string(a.Result), `"callback_query"`) {
		t.Errorf("result %s, want only the edit", a.Result)
	}
}
