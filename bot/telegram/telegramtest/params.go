package telegramtest

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"
)

// maxBody is the real API's upload limit.
const maxBody = 50 << 20

// params are a request's parameters, whatever the body's encoding: JSON
// values that are not strings are kept as their JSON text, as the real API
// accepts either.
type params struct {
	values url.Values
	files  map[string]upload
}

// upload is a file part of a multipart body.
type upload struct {
	Name string
	Size int
	Data []byte
}

func (p *params) get(key string) string { return p.values.Get(key) }

func (p *params) bool(key string) bool {
	b, _ := strconv.ParseBool(p.get(key))
	return b
}

func (p *params) int(key string) (int, bool) {
	n, err := strconv.Atoi(p.get(key))
	return n, err == nil
}

// chatID is chat_id as a number. The fake knows no @usernames.
func (p *params) chatID() (int64, *apiError) {
	raw := p.get("chat_id")
	if raw == "" {
		return 0, badRequest("chat_id is empty")
	}
	id, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || id == 0 {
		return 0, badRequest("chat not found")
	}
	return id, nil
}

func parseParams(w http.ResponseWriter, r *http.Request) (*params, *apiError) {
	p := &params{values: r.URL.Query(), files: map[string]upload{}}
	if r.Method != http.MethodPost || r.Body == nil {
		return p, nil
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxBody)
	ct, ctParams, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	var err error
	switch ct {
	case "application/json":
		err = p.readJSON(r.Body)
	case "multipart/form-data":
		err = p.readMultipart(multipart.NewReader(r.Body, ctParams["boundary"]))
	default: // form-urlencoded, or no body
		var body []byte
		if body, err = io.ReadAll(r.Body); err == nil && len(body) > 0 {
			var form url.Values
			if form, err = url.ParseQuery(string(body)); err == nil {
				for k, vs := range form {
					p.values[k] = vs
				}
			}
		}
	}
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return nil, &apiError{Code: http.StatusRequestEntityTooLarge, Description: "Request Entity Too Large"}
	} else if err != nil {
		return nil, badRequest("can't parse request: " + err.Error())
	}
	return p, nil
}

func (p *params) readJSON(body io.Reader) error {
	var fields map[string]json.RawMessage
	if err := json.NewDecoder(body).Decode(&fields); err != nil {
		return err
	}
	for k, raw := range fields {
		var s string
		if len(raw) > 0 && raw[0] == '"' && json.Unmarshal(raw, &s) == nil {
			p.values.Set(k, s)
		} else {
			p.values.Set(k, string(bytes.TrimSpace(raw)))
		}
	}
	return nil
}

func (p *params) readMultipart(mr *multipart.Reader) error {
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			return nil
		} else if err != nil {
			return err
		}
		if part.FileName() != "" {
			data, err := io.ReadAll(part)
			if err != nil {
				return err
			}
			p.files[part.FormName()] = upload{Name: part.FileName(), Size: len(data), Data: data}
			continue
		}
		v, err := io.ReadAll(io.LimitReader(part, 1<<20))
		if err != nil {
			return err
		}
		p.values.Set(part.FormName(), string(v))
	}
}
