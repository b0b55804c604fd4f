package hubstore

import (
	"context"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"
	"golang.org/x/text/unicode/norm"
)

// Advert is an advertisement of the portal's advertising slot (Article 13
// of the regulation): who pays for it, its text (shown labelled as
// advertising), where it leads, an optional image (https) and its period.
// The gateway shows those in their period only while the slot is on
// (SetAdvertsEnabled).
type Advert struct {
	ID         int64     `json:"id"`
	Advertiser string    `json:"advertiser"`
	Label      string    `json:"label"`
	URL        string    `json:"url"`
	ImageURL   string    `json:"image_url,omitempty"`
	StartsAt   time.Time `json:"starts_at"`
	EndsAt     time.Time `json:"ends_at"`
	CreatedAt  time.Time `json:"created_at"`
	CreatedBy  string    `json:"created_by"`
}

// Bounds of an advertisement (the label's is the table's).
const (
	MaxAdvertiser  = 200
	MaxAdvertLabel = 300
	MaxAdvertURL   = 2000
)

// checkAdvert normalises a's text and refuses what the portal cannot show.
func checkAdvert(a *Advert) error {
	a.Advertiser = norm.NFC.String(strings.TrimSpace(a.Advertiser))
	a.Label = norm.NFC.String(strings.TrimSpace(a.Label))
	a.URL = strings.TrimSpace(a.URL)
	u, err := url.Parse(a.URL)
	switch {
	case a.Advertiser == "" || utf8.RuneCountInString(a.Advertiser) > MaxAdvertiser:
		return &Invalid{Vietnamese: "cần tên nhà quảng cáo (tối đa 200 ký tự)", English: "the advertiser is required (200 characters at most)"}
	case a.Label == "" || utf8.RuneCountInString(a.Label) > MaxAdvertLabel:
		return &Invalid{Vietnamese: "cần nội dung quảng cáo (tối đa 300 ký tự)", English: "the advertisement's text is required (300 characters at most)"}
	case err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || len(a.URL) > MaxAdvertURL:
		return &Invalid{Vietnamese: "địa chỉ liên kết phải là một địa chỉ http hoặc https đầy đủ", English: "the link must be a full http or https address"}
	case a.ImageURL != "" && !httpsAddress(a.ImageURL):
		return &Invalid{Vietnamese: "địa chỉ ảnh phải là một địa chỉ https đầy đủ", English: "the image must be a full https address"}
	case a.StartsAt.IsZero() || a.EndsAt.IsZero() || !a.EndsAt.After(a.StartsAt):
		return &Invalid{Vietnamese: "cần thời gian bắt đầu và kết thúc, kết thúc sau bắt đầu", English: "a start and a later end are required"}
	}
	return nil
}

// AddAdvert adds an advertisement, by actor (the audit log's).
func (s *Store) AddAdvert(ctx context.Context, actor string, a Advert) (Advert, error) {
	if err := checkAdvert(&a); err != nil {
		return Advert{}, err
	}
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		a.CreatedBy = actor
		if err := tx.QueryRow(ctx, `INSERT INTO advertisements (advertiser, label, url, image_url, starts_at, ends_at, created_by)
			VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id, created_at`, a.Advertiser, a.Label, a.URL, a.ImageURL, a.StartsAt, a.EndsAt, actor).
			Scan(&a.ID, &a.CreatedAt); err != nil {
			return err
		}
		return audit(ctx, tx, actor, "advert.add", "", strconv.FormatInt(a.ID, 10), map[string]any{
			"advertiser": a.Advertiser, "label": a.Label, "url": a.URL, "starts_at": a.StartsAt, "ends_at": a.EndsAt})
	})
	return a, mapErr("add advertisement", err)
}

// EndAdvert ends an advertisement at now (it leaves the portal's pages
// with the gateways' next registry refresh); one that has ended is refused.
func (s *Store) EndAdvert(ctx context.Context, actor string, id int64, now time.Time) error {
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var starts, ends time.Time
		if err := tx.QueryRow(ctx, `SELECT starts_at, ends_at FROM advertisements WHERE id = $1 FOR UPDATE`, id).Scan(&starts, &ends); err != nil {
			return err
		}
		if !ends.After(now) {
			return &Invalid{Vietnamese: "quảng cáo này đã kết thúc", English: "that advertisement has ended"}
		}
		// An advertisement not yet started ends as it would have begun
		// (the table wants the end after the start).
		end := now
		if !now.After(starts) {
			end = starts.Add(time.Microsecond)
		}
		if _, err := tx.Exec(ctx, `UPDATE advertisements SET ends_at = $2 WHERE id = $1`, id, end); err != nil {
			return err
		}
		return audit(ctx, tx, actor, "advert.end", "", strconv.FormatInt(id, 10), map[string]any{"was_ending": ends, "ends_at": end})
	})
	return mapErr("end advertisement "+strconv.FormatInt(id, 10), err)
}

// ListAdverts returns the advertisements not ended at now (soonest first),
// then, with history, the ended ones (the latest first), at most limit.
func (s *Store) ListAdverts(ctx context.Context, now time.Time, limit int) (current, ended []Advert, err error) {
	rows, err := s.pool.Query(ctx, `(SELECT id, advertiser, label, url, image_url, starts_at, ends_at, created_at, created_by FROM advertisements
			WHERE ends_at > $1 ORDER BY starts_at, id LIMIT $2)
		UNION ALL
		(SELECT id, advertiser, label, url, image_url, starts_at, ends_at, created_at, created_by FROM advertisements
			WHERE ends_at <= $1 ORDER BY ends_at DESC, id DESC LIMIT $2)`, now, limit)
	if err != nil {
		return nil, nil, mapErr("list advertisements", err)
	}
	all, err := pgx.CollectRows(rows, pgx.RowToStructByPos[Advert])
	if err != nil {
		return nil, nil, mapErr("list advertisements", err)
	}
	for _, a := range all {
		if a.EndsAt.After(now) {
			current = append(current, a)
		} else {
			ended = append(ended, a)
		}
	}
	return current, ended, nil
}

// httpsAddress reports whether s is a full https address.
func httpsAddress(s string) bool {
	u, err := url.Parse(s)
	return err == nil && u.Scheme == "https" && u.Host != "" && u.User == nil && len(s) <= MaxAdvertURL &&
		!strings.ContainsAny(s, " \t\r\n")
}

// AdvertsEnabled reports whether the advertising slot is on (off by
// default: portal_settings).
func (s *Store) AdvertsEnabled(ctx context.Context) (bool, error) {
	var on bool
	err := s.pool.QueryRow(ctx, `SELECT adverts_enabled FROM portal_settings`).Scan(&on)
	return on, mapErr("advertising slot", err)
}

// SetAdvertsEnabled turns the advertising slot on or off, by actor.
func (s *Store) SetAdvertsEnabled(ctx context.Context, actor string, on bool) error {
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `UPDATE portal_settings SET adverts_enabled = $1, updated_by = $2, updated_at = now()`, on, actor); err != nil {
			return err
		}
		action := "adverts.disabled"
		if on {
			action = "adverts.enabled"
		}
		return audit(ctx, tx, actor, action, "", "", nil)
	})
	return mapErr("advertising slot", err)
}
