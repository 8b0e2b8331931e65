package config

import (
	"path/filepath"
	"strings"
	"testing"
)

// A YAML syntax error names the line to fix, in Vietnamese.
func TestSyntaxErrorLine(t *testing.T) {
	tests := []struct {
		file string
		want string // the whole problem after "file:"
	}{
		{"unclosed_brace.yaml", "2: lỗi cú pháp YAML: dấu { mở ở dòng 2 chưa được đóng bằng }"},
		{"unclosed_bracket.yaml", "2: lỗi cú pháp YAML: dấu [ mở ở dòng 2 chưa được đóng bằng ]"},
		{"unclosed_quote.yaml", "3: lỗi cú pháp YAML: dấu ngoặc kép mở ở dòng 3 chưa được đóng"},
		{"tab.yaml", "3: lỗi cú pháp YAML: có ký tự không hợp lệ ở đầu dòng (thường là phím Tab: YAML chỉ thụt lề bằng dấu cách)"},
		{"indent.yaml", "2: lỗi cú pháp YAML: thụt lề không khớp với các dòng trên"},
		{"stray_dash.yaml", "4: lỗi cú pháp YAML: thụt lề không khớp với các dòng trên"},
	}
	for _, tt := range tests {
		path := filepath.Join("testdata", "syntax", tt.file)
		_, err := Load(envOf(map[string]string{"CHIHUY_CONFIG": path}))
		probs := problemsOf(t, err)
		if want := path + ":" + tt.want; len(probs) != 1 || probs[0] != want {
			t.Errorf("%s:\n got %q\nwant %q", tt.file, probs, want)
		}
	}
}

// A misspelt key is refused with the closest key it may be.
func TestUnknownKeySuggestion(t *testing.T) {
	path := filepath.Join("testdata", "misspelt.yaml")
	_, err := Load(envOf(map[string]string{"CHIHUY_CONFIG": path}))
	probs := problemsOf(t, err)
	want := []string{
		"2: schedul: khóa không được hỗ trợ (có phải schedule?)",
		"4: directives.reminder_intervall: khóa không được hỗ trợ (có phải reminder_interval?)",
		`6: limits.telegran: nền tảng "telegran" không được hỗ trợ (cần telegram hoặc zalo)`,
		"7: limits.zalo.per_chat_per_secnd: khóa không được hỗ trợ (có phải per_chat_per_second?)",
		"8: colour: khóa không được hỗ trợ",
	}
	for i := range want {
		want[i] = path + ":" + want[i]
	}
	if strings.Join(probs, "\n") != strings.Join(want, "\n") {
		t.Errorf("got:\n%s\nwant:\n%s", strings.Join(probs, "\n"), strings.Join(want, "\n"))
	}
}

// Every key suggested is one the file may have.
func TestTopKeysAccepted(t *testing.T) {
	for _, k := range topKeys {
		path := filepath.Join(t.TempDir(), "c.yaml")
		writeFile(t, path, k+":\n")
		if _, err := Load(envOf(map[string]string{"CHIHUY_CONFIG": path})); err != nil && strings.Contains(err.Error(), msgUnknownKey) {
			t.Errorf("suggested key %s is refused: %v", k, err)
		}
	}
}

func TestFileReason(t *testing.T) {
	_, err := Load(envOf(map[string]string{"CHIHUY_CONFIG": filepath.Join("testdata", "nonexistent.yaml")}))
	probs := problemsOf(t, err)
	if want := "CHIHUY_CONFIG: không đọc được tệp cấu hình testdata/nonexistent.yaml: không có tệp này"; len(probs) != 1 || probs[0] != want {
		t.Errorf("got %q, want %q", probs, want)
	}
	_, err = Load(envOf(map[string]string{"CHIHUY_CONFIG": "testdata"}))
	probs = problemsOf(t, err)
	if len(probs) != 1 || !strings.HasSuffix(probs[0], msgIsDir) {
		t.Errorf("a directory: %q", probs)
	}
}
