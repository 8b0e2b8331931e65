package store

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/chihuy/chihuy"
)

// Held reports (§4): a report kept back until its sender answers — a value
// far outside what the unit can have (plausibility) or a word that may
// mean "add" — is kept under a short id for a while; nothing of it is
// recorded until it is taken back with TakeHold. The store keeps the
// handler's encoding of it as it is.

// PutHold keeps data under id in chat until ttl passes (by the store's
// clock), and makes it the chat's latest hold.
func (s *Store) PutHold(ctx context.Context, chat chihuy.ChatRef, id string, data []byte, ttl time.Duration) error {
	if id == "" || strings.ContainsAny(id, ":{} ") {
		return chihuy.Errorf(chihuy.EINVALID, msgHoldID, id)
	}
	exp := s.Now().Add(ttl).UnixMilli()
	val := strconv.FormatInt(exp, 10) + "|" + string(data)
	// the keys outlive the hold a little: expiry is judged on the clock
	keep := ttl + time.Minute
	p := s.rdb.TxPipeline()
	p.Set(ctx, s.Key("cfg", "hold", chat.String(), id), val, keep)
	p.Set(ctx, s.Key("cfg", "holdlast", chat.String()), id, keep)
	if _, err := p.Exec(ctx); err != nil {
		return fmt.Errorf("hold %s: %w", id, err)
	}
	return nil
}

// LastHold returns the id of the chat's latest hold, "" when none.
func (s *Store) LastHold(ctx context.Context, chat chihuy.ChatRef) (string, error) {
	id, err := s.rdb.Get(ctx, s.Key("cfg", "holdlast", chat.String())).Result()
	if errors.Is(err, redis.Nil) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("last hold of %s: %w", chat, err)
	}
	return id, nil
}

// TakeHold returns the data held under id in chat and forgets it, so that
// an answer counts once however often it is sent. It is ENOTFOUND when
// nothing is held there: never held, taken already, or expired.
func (s *Store) TakeHold(ctx context.Context, chat chihuy.ChatRef, id string) ([]byte, error) {
	val, err := s.rdb.GetDel(ctx, s.Key("cfg", "hold", chat.String(), id)).Result()
	return s.heldData("take", id, val, err)
}

// PeekHold returns the data held under id in chat and keeps it: to look at
// a hold before deciding whether an answer settles it. It is ENOTFOUND
// like TakeHold.
func (s *Store) PeekHold(ctx context.Context, chat chihuy.ChatRef, id string) ([]byte, error) {
	val, err := s.rdb.Get(ctx, s.Key("cfg", "hold", chat.String(), id)).Result()
	return s.heldData("peek", id, val, err)
}

// heldData reads a stored hold value: its data, or ENOTFOUND when missing
// or past its time.
func (s *Store) heldData(op, id, val string, err error) ([]byte, error) {
	if errors.Is(err, redis.Nil) {
		return nil, chihuy.Errorf(chihuy.ENOTFOUND, msgHoldGone, id)
	}
	if err != nil {
		return nil, fmt.Errorf("%s hold %s: %w", op, id, err)
	}
	expS, data, ok := strings.Cut(val, "|")
	exp, perr := strconv.ParseInt(expS, 10, 64)
	if !ok || perr != nil {
		return nil, fmt.Errorf("%s hold %s: bad value", op, id)
	}
	if s.Now().UnixMilli() > exp {
		return nil, chihuy.Errorf(chihuy.ENOTFOUND, msgHoldExpired, id)
	}
	return []byte(data), nil
}
