package handlers

import (
	"context"
	"fmt"
	"strings"
	"unicode"

	"github.com/chihuy/chihuy"
	"github.com/chihuy/chihuy/vntext"
)

// Lost officials: a help word, a question about using the bot, or a
// mistyped command gets a short pointer instead of silence. Ordinary
// chatter between officials gets nothing, and the bot never answers a
// bot (platforms do not deliver bots' messages to bots), so a pointer
// cannot start a reply loop.

// helpWords are whole messages (folded, without punctuation and polite
// particles) that ask for help.
var helpWords = map[string]bool{
	"help": true, "huong dan": true, "tro giup": true, "giup": true, "giup do": true, "giup voi": true,
	"huong dan su dung": true, "cach dung": true, "cach bao cao": true, "menu": true, "lenh": true,
	"cac lenh": true, "xin huong dan": true, "bot": true, "?": true,
}

// politeWords are left aside when matching help words: "hướng dẫn ạ",
// "cho em xin hướng dẫn với".
var politeWords = map[string]bool{"a": true, "ah": true, "voi": true, "cho": true, "em": true, "xin": true, "minh": true, "toi": true, "nhe": true, "di": true, "bot": true, "oi": true}

// howWords mark a question about how to do something; aboutBot words say
// it is about the bot or reporting.
var (
	howWords = []string{"the nao", "ntn", "lam sao", "cach ", "phai lam gi", "lam gi", "huong dan", "bang cach nao", "o dau"}
	aboutBot = []string{"bao cao", "bot", "so lieu", "nhap", "lenh", "dang ky", "chi dao", "xac nhan", "tong hop"}
)

// isHelpRequest reports whether text asks for help: a help word alone,
// or a question on how to report or use the bot ("Cho em hỏi báo cáo thế
// nào ạ?"). A question with figures is not one: it may be a report.
func isHelpRequest(text string) bool {
	f := vntext.Fold(strings.TrimSpace(text))
	if f == "" || len([]rune(f)) > 160 {
		return false
	}
	words := strings.FieldsFunc(f, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '?' })
	var kept []string
	for _, w := range words {
		if !politeWords[w] {
			kept = append(kept, strings.Trim(w, "?"))
		}
	}
	if helpWords[strings.TrimSpace(strings.Join(kept, " "))] || (len(kept) == 0 && strings.Contains(f, "?")) {
		return true
	}
	if strings.IndexFunc(f, unicode.IsDigit) >= 0 {
		return false
	}
	asks := strings.Contains(f, "?") || strings.HasPrefix(f, "cho em hoi") || strings.HasPrefix(f, "cho hoi") || strings.HasPrefix(f, "xin hoi")
	if !asks {
		return false
	}
	joined := " " + strings.Join(words, " ") + " "
	how, about := false, false
	for _, w := range howWords {
		how = how || strings.Contains(joined, " "+w)
	}
	for _, w := range aboutBot {
		about = about || strings.Contains(joined, " "+w+" ")
	}
	return how && about
}

// pointer answers a lost official with a short way forward.
func (h *Handler) pointer(ctx context.Context, r *request) error {
	if r.unit == nil {
		return h.tellUnbound(ctx, r)
	}
	return h.reply(ctx, r, msgPointer)
}

// unknownCommand answers a command the bot does not have. In a group a
// command may be meant for another bot: it is answered there only when
// addressed to this bot or close to one of its commands ("/baocaoo").
func (h *Handler) unknownCommand(ctx context.Context, r *request) error {
	guess := vntext.Closest(r.cmd, h.commandNames())
	if r.u.ChatKind == chihuy.Group && !r.u.ToBot && (guess == "" || r.unit == nil) {
		return nil
	}
	if guess != "" {
		return h.reply(ctx, r, fmt.Sprintf(msgUnknownCommandGuess, r.cmd, guess))
	}
	return h.reply(ctx, r, fmt.Sprintf(msgUnknownCommand, r.cmd))
}
