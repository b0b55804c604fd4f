// Package maintenance keeps the hub's maintenance windows (Article 12.2 of
// the regulation; issue 10 point 9): ops schedule a window with a message
// in Vietnamese, English and Russian, the portal and every sub-portal site
// show a banner from its announcement until it ends (the gateway reads the
// table: services/hubread.MaintenanceWindows), and windows are never
// deleted: a cancelled one keeps who cancelled it, an ended one is history.
// Every change is in the audit log.
package maintenance

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"golang.org/x/text/unicode/norm"

	"github.com/portalhub/portalhub/services/internal/hubstore"
)

// DefaultAnnounce is how long before a window its banner shows when the
// operator does not say.
const DefaultAnnounce = 48 * time.Hour

// MaxMessage is the longest message, in characters, per language.
const MaxMessage = 500

// Window is a maintenance window.
type Window struct {
	ID                              int64
	AnnounceFrom, StartsAt, EndsAt  time.Time
	MessageVI, MessageEN, MessageRU string
	CreatedBy                       string
	CreatedAt                       time.Time
	CancelledAt                     *time.Time
	CancelledBy                     string
}

// State is where a window stands at a moment.
type State string

// States.
const (
	Scheduled State = "scheduled" // its banner does not show yet
	Announced State = "announced" // its banner shows, the window is ahead
	Ongoing   State = "ongoing"
	Ended     State = "ended"
	Cancelled State = "cancelled"
)

// StateAt is the window's state at now.
func (w Window) StateAt(now time.Time) State {
	switch {
	case w.CancelledAt != nil:
		return Cancelled
	case !now.Before(w.EndsAt):
		return Ended
	case !now.Before(w.StartsAt):
		return Ongoing
	case !now.Before(w.AnnounceFrom):
		return Announced
	}
	return Scheduled
}

// Store reads and writes the windows in the hub database.
type Store struct{ pool *pgxpool.Pool }

// New returns a store on the hub database (its owner's connection).
func New(pool *pgxpool.Pool) *Store { return &Store{pool: pool} }

// NewWindow is what an operator schedules. A zero AnnounceFrom is
// DefaultAnnounce before StartsAt (not before now, unless the window is
// already open).
type NewWindow struct {
	AnnounceFrom, StartsAt, EndsAt  time.Time
	MessageVI, MessageEN, MessageRU string
}

// check validates w at now and fills its defaults.
func (w *NewWindow) check(now time.Time) error {
	switch {
	case w.StartsAt.IsZero() || w.EndsAt.IsZero():
		return &hubstore.Invalid{Vietnamese: "cần thời điểm bắt đầu và kết thúc", English: "a start and an end are required"}
	case !w.EndsAt.After(w.StartsAt):
		return &hubstore.Invalid{Vietnamese: "thời điểm kết thúc phải sau thời điểm bắt đầu", English: "the end must come after the start"}
	case !w.EndsAt.After(now):
		return &hubstore.Invalid{Vietnamese: "khung giờ này đã kết thúc", English: "that window has already ended"}
	case w.EndsAt.Sub(w.StartsAt) > 7*24*time.Hour:
		return &hubstore.Invalid{Vietnamese: "một khung giờ bảo trì dài tối đa 7 ngày", English: "a maintenance window lasts 7 days at most"}
	}
	if w.AnnounceFrom.IsZero() {
		w.AnnounceFrom = w.StartsAt.Add(-DefaultAnnounce)
		if w.AnnounceFrom.Before(now) {
			w.AnnounceFrom = now
		}
		if w.AnnounceFrom.After(w.StartsAt) { // a window already open
			w.AnnounceFrom = w.StartsAt
		}
	}
	if w.AnnounceFrom.After(w.StartsAt) {
		return &hubstore.Invalid{Vietnamese: "thời điểm thông báo phải trước khi bắt đầu", English: "the announcement must come before the start"}
	}
	if w.AnnounceFrom.Before(w.StartsAt.Add(-30 * 24 * time.Hour)) {
		return &hubstore.Invalid{Vietnamese: "thông báo trước tối đa 30 ngày", English: "announce at most 30 days ahead"}
	}
	for _, m := range []struct {
		text   *string
		vi, en string
	}{{&w.MessageVI, "tiếng Việt", "Vietnamese"}, {&w.MessageEN, "tiếng Anh", "English"}, {&w.MessageRU, "tiếng Nga", "Russian"}} {
		*m.text = norm.NFC.String(strings.TrimSpace(*m.text))
		switch n := utf8.RuneCountInString(*m.text); {
		case n == 0:
			return &hubstore.Invalid{Vietnamese: "thiếu thông báo bằng " + m.vi, English: "the " + m.en + " message is missing"}
		case n > MaxMessage:
			return &hubstore.Invalid{Vietnamese: fmt.Sprintf("thông báo bằng %s dài quá %d ký tự", m.vi, MaxMessage),
				English: fmt.Sprintf("the %s message is longer than %d characters", m.en, MaxMessage)}
		case strings.ContainsAny(*m.text, "\x00\r\n"):
			return &hubstore.Invalid{Vietnamese: "thông báo bằng " + m.vi + " phải nằm trên một dòng",
				English: "the " + m.en + " message must be one line"}
		}
	}
	return nil
}

// Schedule adds a window, by actor (the audit log's), checked at now.
func (s *Store) Schedule(ctx context.Context, actor string, w NewWindow, now time.Time) (Window, error) {
	if err := w.check(now); err != nil {
		return Window{}, err
	}
	var out Window
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `INSERT INTO maintenance_windows
			(announce_from, starts_at, ends_at, message_vi, message_en, message_ru, created_by)
			VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING `+columns,
			w.AnnounceFrom, w.StartsAt, w.EndsAt, w.MessageVI, w.MessageEN, w.MessageRU, actor)
		if err != nil {
			return err
		}
		if out, err = pgx.CollectExactlyOneRow(rows, pgx.RowToStructByPos[Window]); err != nil {
			return err
		}
		return hubstore.AppendAudit(ctx, tx, actor, "maintenance.scheduled", "", fmt.Sprint(out.ID), map[string]any{
			"announce_from": out.AnnounceFrom, "starts_at": out.StartsAt, "ends_at": out.EndsAt,
			"message_vi": out.MessageVI, "message_en": out.MessageEN, "message_ru": out.MessageRU})
	})
	return out, hubstore.MapErr("schedule maintenance", err)
}

// Cancel cancels a window that has not ended; ErrNotFound when there is no
// such window, an *Invalid when it is cancelled already or over.
func (s *Store) Cancel(ctx context.Context, actor string, id int64, now time.Time) (Window, error) {
	var out Window
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `SELECT `+columns+` FROM maintenance_windows WHERE id = $1 FOR UPDATE`, id)
		if err != nil {
			return err
		}
		w, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByPos[Window])
		if err != nil {
			return err
		}
		switch w.StateAt(now) {
		case Cancelled:
			return &hubstore.Invalid{Vietnamese: "khung giờ này đã bị hủy", English: "that window is already cancelled"}
		case Ended:
			return &hubstore.Invalid{Vietnamese: "khung giờ này đã kết thúc; lịch sử được giữ nguyên", English: "that window has ended; history is kept as it is"}
		}
		rows, err = tx.Query(ctx, `UPDATE maintenance_windows SET cancelled_at = $2, cancelled_by = $3 WHERE id = $1 RETURNING `+columns,
			id, now, actor)
		if err != nil {
			return err
		}
		if out, err = pgx.CollectExactlyOneRow(rows, pgx.RowToStructByPos[Window]); err != nil {
			return err
		}
		return hubstore.AppendAudit(ctx, tx, actor, "maintenance.cancelled", "", fmt.Sprint(id), map[string]any{
			"starts_at": w.StartsAt, "ends_at": w.EndsAt})
	})
	return out, hubstore.MapErr(fmt.Sprintf("cancel maintenance %d", id), err)
}

const columns = `id, announce_from, starts_at, ends_at, message_vi, message_en, message_ru, created_by, created_at,
	cancelled_at, coalesce(cancelled_by, '')`

// List returns the windows not ended at now (cancelled ones too, unless
// they would have ended), soonest first; with history, every window, the
// newest start first, at most limit (0: 100).
func (s *Store) List(ctx context.Context, now time.Time, history bool, limit int) ([]Window, error) {
	if limit <= 0 {
		limit = 100
	}
	q := `SELECT ` + columns + ` FROM maintenance_windows WHERE ends_at > $1 ORDER BY starts_at, id LIMIT $2`
	if history {
		q = `SELECT ` + columns + ` FROM maintenance_windows WHERE $1::timestamptz IS NOT NULL ORDER BY starts_at DESC, id DESC LIMIT $2`
	}
	rows, err := s.pool.Query(ctx, q, now, limit)
	if err != nil {
		return nil, hubstore.MapErr("list maintenance", err)
	}
	ws, err := pgx.CollectRows(rows, pgx.RowToStructByPos[Window])
	return ws, hubstore.MapErr("list maintenance", err)
}
