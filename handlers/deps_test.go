package handlers

import (
	"testing"

	"github.com/chihuy/chihuy"
	"github.com/chihuy/chihuy/bot/telegram"
	"github.com/chihuy/chihuy/bot/zalo"
	"github.com/chihuy/chihuy/config"
)

// configured completes a test's Deps as the app does: the settings the
// test leaves zero get the configuration's defaults (config.Default), and
// each platform's info the text limit its client declares.
func configured(d Deps) Deps {
	c := config.Default()
	if d.InviteTTL == 0 {
		d.InviteTTL = c.InviteTTL
	}
	if d.ReportWindow == 0 {
		d.ReportWindow = c.ReportWindowDays
	}
	if d.DailyDeadline == 0 {
		d.DailyDeadline = c.Schedule.DailyDeadline.SinceMidnight()
	}
	if d.ConfirmAbove == 0 {
		d.ConfirmAbove = c.Directives.ConfirmAbove
	}
	limits := map[string]int{chihuy.Telegram: telegram.TextLimit, chihuy.Zalo: zalo.TextLimit}
	infos := map[string]PlatformInfo{}
	for name, info := range d.Platforms {
		if info.TextLimit == 0 {
			info.TextLimit = limits[name]
		}
		infos[name] = info
	}
	if d.Platforms != nil {
		d.Platforms = infos
	}
	return d
}

// Settings of zero are the configuration's (report_window_days: 0 takes
// reports of today only; confirm_above: 0 has every directive confirmed),
// not a place for defaults: New keeps them.
func TestNewKeepsZeroSettings(t *testing.T) {
	e := newEnv(t)
	d := e.h.Deps
	d.ReportWindow, d.ConfirmAbove, d.DailyDeadline, d.InviteTTL = 0, 0, 0, 0
	h := New(d)
	if h.ReportWindow != 0 || h.ConfirmAbove != 0 || h.DailyDeadline != 0 || h.InviteTTL != 0 {
		t.Errorf("New replaced zero settings: window %d, confirm above %d, deadline %v, invite TTL %v",
			h.ReportWindow, h.ConfirmAbove, h.DailyDeadline, h.InviteTTL)
	}
}

// Without a declared limit a platform's texts are not split by the
// handlers (the outbox splits them at the platform's limit); a declared
// one is used as given.
func TestTextLimitIsThePlatforms(t *testing.T) {
	h := New(Deps{Platforms: map[string]PlatformInfo{chihuy.Zalo: {TextLimit: 2000}}})
	if got := h.textLimit(chihuy.ChatRef{Platform: chihuy.Zalo, ID: "1"}); got != 2000 {
		t.Errorf("zalo limit %d, want the declared 2000", got)
	}
	if got := h.textLimit(chihuy.ChatRef{Platform: chihuy.Telegram, ID: "1"}); got != noTextLimit {
		t.Errorf("undeclared limit %d, want none (%d)", got, noTextLimit)
	}
}
