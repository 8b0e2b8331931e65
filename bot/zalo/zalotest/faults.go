package zalotest

import (
	"encoding/json"
	"net/http"
	"strconv"
	"time"
)

// Fault is an answer the fake gives instead of the normal one.
type Fault struct {
	status     int
	code       int
	desc       string
	retryAfter time.Duration
	html       bool
	malformed  bool
	delay      time.Duration
	passOn     bool // after delay, answer normally
}

// RateLimit answers 429 "Quota exceeded". A positive retryAfter is given
// in the body's parameters.retry_after and the Retry-After header; zero
// gives neither (the platform documents none).
func RateLimit(retryAfter time.Duration) Fault {
	return Fault{status: http.StatusTooManyRequests, code: 429, desc: "Quota exceeded", retryAfter: retryAfter}
}

// ServerError answers the 5xx status with the API's JSON error.
func ServerError(status int) Fault {
	return Fault{status: status, code: status, desc: "Internal server error"}
}

// HTMLPage answers status with an HTML page, as a proxy in front of the
// platform does.
func HTMLPage(status int) Fault { return Fault{status: status, html: true} }

// Malformed answers 200 with a truncated JSON body.
func Malformed() Fault { return Fault{status: http.StatusOK, malformed: true} }

// Delay answers normally after d (a client with a shorter timeout sees a
// timeout).
func Delay(d time.Duration) Fault { return Fault{delay: d, passOn: true} }

// APIError answers the API's JSON error with any HTTP status and code.
func APIError(status, code int, description string) Fault {
	return Fault{status: status, code: code, desc: description}
}

type pendingFault struct {
	method string // "" for any
	left   int
	fault  Fault
}

// Inject makes the next n calls of method ("" for any method) answer with
// f. Faults queue: those injected first are served first.
func (s *Server) Inject(method string, n int, f Fault) {
	if n <= 0 {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, pendingFault{method: method, left: n, fault: f})
}

func (s *Server) takeFaultLocked(method string) *Fault {
	for i := range s.faults {
		pf := &s.faults[i]
		if pf.method != "" && pf.method != method {
			continue
		}
		f := pf.fault
		pf.left--
		if pf.left == 0 {
			s.faults = append(s.faults[:i], s.faults[i+1:]...)
		}
		return &f
	}
	return nil
}

// write answers the fault; done is false when the normal answer follows.
func (f Fault) write(w http.ResponseWriter) (code int, done bool) {
	if f.passOn {
		return 0, false
	}
	switch {
	case f.html:
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(f.status)
		w.Write([]byte("<!DOCTYPE html>\n<html><head><title>" + strconv.Itoa(f.status) + " " + http.StatusText(f.status) +
			"</title></head><body><h1>" + http.StatusText(f.status) + "</h1><hr><center>nginx</center></body></html>\n"))
		return f.status, true
	case f.malformed:
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(f.status)
		w.Write([]byte(`{"ok":true,"result":{"message_id":"82599fa3`))
		return f.status, true
	}
	body := map[string]any{"ok": false, "error_code": f.code, "description": f.desc}
	if f.retryAfter > 0 {
		secs := int((f.retryAfter + time.Second - 1) / time.Second)
		body["parameters"] = map[string]any{"retry_after": secs}
		w.Header().Set("Retry-After", strconv.Itoa(secs))
	}
	b, _ := json.Marshal(body)
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(f.status)
	w.Write(b)
	return f.code, true
}
