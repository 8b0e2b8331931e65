package store

// The life of a directive after its creation: confirmed, cancelled or
// closed, and purged by retention (the key layout is in directives.go).

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/chihuy/chihuy/directive"
)

var cdConfirmScript = newScript("directive_confirm", scriptSpec{
	libs: []string{"lib_directive"},
	keys: []string{"meta", "targets"},
	args: []string{"at"},
})

var cdEndScript = newScript("directive_end", scriptSpec{
	libs: []string{"lib_directive"},
	keys: []string{"meta", "targets", "waiting"},
	args: []string{"to", "at"},
})

// ConfirmDirective moves a pending directive to active (the lead
// confirmed a big broadcast). changed is false when it was active already;
// a cancelled or closed directive is chihuy.ECONFLICT.
func (s *Store) ConfirmDirective(ctx context.Context, id string, at time.Time) (changed bool, err error) {
	if err := cdCheckID(id); err != nil {
		return false, cdResult(cdrUnknown, id, "")
	}
	code, err := cdConfirmScript.run(ctx, s.rdb, s.cdKeys(id), names{"at": unixMilli(at)}).Int64()
	if err != nil {
		return false, fmt.Errorf("confirm directive %s: %w", id, err)
	}
	return code == 1, cdResult(code, id, "")
}

// CancelDirective cancels directive id (/huycd) and returns the units the
// message had already reached, which must be told. Queued messages are the
// outbox's to drop. A directive cancelled or closed already is
// chihuy.ECONFLICT.
func (s *Store) CancelDirective(ctx context.Context, id string, at time.Time) (reached []string, err error) {
	if err := s.cdEnd(ctx, id, directive.Cancelled, at); err != nil {
		return nil, err
	}
	reached, err = s.rdb.HKeys(ctx, s.cdKey(id, "dlv")).Result()
	if err != nil {
		return nil, fmt.Errorf("cancel directive %s: reached units: %w", id, err)
	}
	sort.Strings(reached)
	return reached, nil
}

// CloseDirective ends directive id: no more reminders or deadline report;
// late acknowledgements and results are still recorded.
func (s *Store) CloseDirective(ctx context.Context, id string, at time.Time) error {
	return s.cdEnd(ctx, id, directive.Closed, at)
}

// PurgeDirective removes directive id and its index entries (retention).
// The link from its parent, if any, goes too.
func (s *Store) PurgeDirective(ctx context.Context, id string) error {
	d, err := s.Directive(ctx, id)
	if err != nil {
		return err
	}
	if err := s.rdb.Del(ctx, s.cdAllKeys(id)...).Err(); err != nil {
		return fmt.Errorf("purge directive %s: %w", id, err)
	}
	if d.Parent != "" {
		if err := s.rdb.HDel(ctx, s.cdKey(d.Parent, "fwd"), d.Issuer).Err(); err != nil {
			return fmt.Errorf("purge directive %s: unlink from %s: %w", id, d.Parent, err)
		}
	}
	return s.cdUnindex(ctx, id, d.Issuer)
}

func (s *Store) cdEnd(ctx context.Context, id string, to directive.State, at time.Time) error {
	if err := cdCheckID(id); err != nil {
		return cdResult(cdrUnknown, id, "")
	}
	code, err := cdEndScript.run(ctx, s.rdb, s.cdKeys(id), names{"to": string(to), "at": unixMilli(at)}).Int64()
	if err != nil {
		return fmt.Errorf("%s directive %s: %w", to, id, err)
	}
	if err := cdResult(code, id, ""); err != nil {
		return err
	}
	issuer, err := s.rdb.HGet(ctx, s.cdKey(id, "meta"), "issuer").Result()
	if err != nil {
		return fmt.Errorf("%s directive %s: %w", to, id, err)
	}
	return s.cdUnindex(ctx, id, issuer)
}

// cdUnindex drops id from the indexes.
func (s *Store) cdUnindex(ctx context.Context, id, issuer string) error {
	p := s.rdb.Pipeline()
	p.ZRem(ctx, s.cdxKey("open", issuer), id)
	p.ZRem(ctx, s.cdxKey("open"), id)
	p.ZRem(ctx, s.cdxKey("deadline"), id)
	if _, err := p.Exec(ctx); err != nil {
		return fmt.Errorf("unindex directive %s: %w", id, err)
	}
	return nil
}
