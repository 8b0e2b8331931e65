package telegramtest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// answer is the API's envelope as a client reads it.
type answer struct {
	Status      int             `json:"-"`
	OK          bool            `json:"ok"`
	Result      json.RawMessage `json:"result"`
	ErrorCode   int             `json:"error_code"`
	Description string          `json:"description"`
	Parameters  struct {
		RetryAfter int `json:"retry_after"`
	} `json:"parameters"`
}

func start(t *testing.T, opts ...Option) *Server {
	t.Helper()
	s := Start(opts...)
	t.Cleanup(s.Close)
	return s
}

func do(t *testing.T, req *http.Request) answer {
	t.Helper()
	a, err := doErr(req)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// doErr is do for other goroutines than the test's.
func doErr(req *http.Request) (answer, error) {
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return answer{}, err
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	var a answer
	if err := json.Unmarshal(body, &a); err != nil {
		return answer{}, fmt.Errorf("answer %q: %w", body, err)
	}
	a.Status = resp.StatusCode
	return a, nil
}

// form calls method with a form body.
func form(t *testing.T, s *Server, method string, kv ...string) answer {
	t.Helper()
	return do(t, formRequest(s, method, kv...))
}

// poller long-polls getUpdates in its own goroutine; the answer (or a
// failed answer with the error as description) comes on the channel.
func poller(s *Server, kv ...string) <-chan answer {
	done := make(chan answer, 1)
	go func() {
		a, err := doErr(formRequest(s, "getUpdates", kv...))
		if err != nil {
			a.Description = err.Error()
		}
		done <- a
	}()
	return done
}

func formRequest(s *Server, method string, kv ...string) *http.Request {
	v := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Set(kv[i], kv[i+1])
	}
	req, _ := http.NewRequest("POST", s.URL()+"/bot"+s.Token()+"/"+method, strings.NewReader(v.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return req
}

// jsonCall calls method with a JSON body.
func jsonCall(t *testing.T, s *Server, method string, body any) answer {
	t.Helper()
	b, _ := json.Marshal(body)
	req, _ := http.NewRequest("POST", s.URL()+"/bot"+s.Token()+"/"+method, bytes.NewReader(b))
	req.Header.Set("Content-Type", "application/json")
	return do(t, req)
}

// uploadCall calls method with a multipart body holding one file.
func uploadCall(t *testing.T, s *Server, method, field, name string, data []byte, kv ...string) answer {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for i := 0; i+1 < len(kv); i += 2 {
		mw.WriteField(kv[i], kv[i+1])
	}
	fw, _ := mw.CreateFormFile(field, name)
	fw.Write(data)
	mw.Close()
	req, _ := http.NewRequest("POST", s.URL()+"/bot"+s.Token()+"/"+method, &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return do(t, req)
}

func messageID(t *testing.T, a answer) int {
	t.Helper()
	if !a.OK {
		t.Fatalf("call failed: %d %s", a.ErrorCode, a.Description)
	}
	var m struct {
		MessageID int `json:"message_id"`
	}
	json.Unmarshal(a.Result, &m)
	return m.MessageID
}
