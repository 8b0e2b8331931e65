package config

import (
	"errors"
	"fmt"
	"io/fs"
	"strings"

	yaml4 "go.yaml.in/yaml/v4"
)

// SyntaxError describes a YAML syntax error of the file in Vietnamese,
// naming the line to fix: "config.yaml:2: lỗi cú pháp YAML: dấu { mở ở
// dòng 2 chưa được đóng". The decoder of version 3 names the line where the
// enclosing construct began, counted from zero, for parser errors; the
// text is parsed again with version 4, which reports the positions
// exactly. err is the decoder's error, shown when no position is found.
func SyntaxError(path string, data []byte, err error) string {
	var n yaml4.Node
	var le *yaml4.LoadError
	if err4 := yaml4.Unmarshal(data, &n); err4 == nil || !errors.As(err4, &le) {
		return fmt.Sprintf("%s: %s", path, msgNotYAML(err))
	}
	line, what := le.Mark.Line, translateYAML(le.Message)
	switch {
	case strings.Contains(le.ContextMsg, "flow mapping") && le.ContextMark.Line > 0:
		line, what = le.ContextMark.Line, msgYAMLUnclosed("{", "}", le.ContextMark.Line)
	case strings.Contains(le.ContextMsg, "flow sequence") && le.ContextMark.Line > 0:
		line, what = le.ContextMark.Line, msgYAMLUnclosed("[", "]", le.ContextMark.Line)
	case strings.Contains(le.ContextMsg, "quoted scalar") && le.ContextMark.Line > 0:
		line, what = le.ContextMark.Line, msgYAMLUnclosedQuote(le.ContextMark.Line)
	default:
		if open := unclosedQuote(data, le.Mark.Index, le.Mark.Line); open > 0 {
			line, what = open, msgYAMLUnclosedQuote(open)
		}
	}
	if line <= 0 {
		return fmt.Sprintf("%s: %s", path, msgYAMLSyntax(what))
	}
	return fmt.Sprintf("%s:%d: %s", path, line, msgYAMLSyntax(what))
}

// unclosedQuote finds the line of a quote left open when the decoder
// stumbles at index on or just after a quote character (on line at): a quoted value
// missing its closing quote runs on to the next quote, which then looks
// like the start of a new value. It returns the nearest earlier line with
// an odd number of that quote character, or 0.
func unclosedQuote(data []byte, index, at int) int {
	isQuote := func(i int) bool { return i >= 0 && i < len(data) && (data[i] == '"' || data[i] == '\'') }
	switch {
	case isQuote(index):
	case isQuote(index - 1):
		index--
	default:
		return 0
	}
	q := string(data[index])
	lines := strings.Split(string(data), "\n")
	for l := at - 1; l >= 1 && l <= len(lines); l-- {
		if strings.Count(lines[l-1], q)%2 == 1 {
			return l
		}
	}
	return 0
}

// translateYAML puts the common messages of the YAML decoder in
// Vietnamese; others are kept as they are.
func translateYAML(msg string) string {
	for _, m := range yamlMessages {
		if strings.Contains(msg, m[0]) {
			return m[1]
		}
	}
	return msg
}

// FileReason says in Vietnamese why a file could not be read: "không có
// tệp này", "không có quyền đọc"; other errors are shown as they are.
func FileReason(err error) string {
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return msgNoSuchFile
	case errors.Is(err, fs.ErrPermission):
		return msgNoPermission
	}
	var pe *fs.PathError
	if errors.As(err, &pe) {
		if pe.Err.Error() == "is a directory" {
			return msgIsDir
		}
		return pe.Err.Error()
	}
	return err.Error()
}
