package hubstore

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"net/url"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"

	"github.com/portalhub/portalhub/services/contentrules"
)

// Redirect is one row of the redirect map of the old portals (issue 10
// point 3): an old URL, on a host that no longer has its own portal, and
// where it lands now: an item (ContentID), a section (Category, a category
// code) or the home of Tenant, in Locale.
type Redirect struct {
	Host, Path                  string // Path with its query, if any ("/Pages/tin.aspx?ItemID=12")
	Tenant, ContentID, Category string
	Locale                      string
}

// RedirectsRegistryID is the registry subject's last token that announces
// a change of the redirect map (hub.registry.-redirects): no tenant id
// starts with a hyphen. hubread.TenantFingerprints answers the map's
// fingerprint under it, so that the gateways' tenant watcher reloads.
const RedirectsRegistryID = "-redirects"

// MaxRedirectRows bounds one import (the ops API's message limit is 1 MiB;
// split larger maps).
const MaxRedirectRows = 20000

// redirectHeader is the CSV's header line.
var redirectHeader = []string{"old_url", "tenant", "content_id", "category", "lang"}

// ParseRedirects reads a redirect map: UTF-8 CSV with the header line
// old_url,tenant,content_id,category,lang. old_url is absolute (http or
// https); content_id or category may be empty (both empty: the tenant's
// home); lang is vi (the default), en or ru. Every bad line is named, with
// its number, in one error.
func ParseRedirects(data []byte) ([]Redirect, error) {
	if !utf8.Valid(data) {
		return nil, fmt.Errorf("%w: the file is not UTF-8: save it as CSV UTF-8", ErrInvalidArgument)
	}
	r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(data, []byte("\uFEFF"))))
	r.FieldsPerRecord = -1
	head, err := r.Read()
	if err != nil {
		return nil, fmt.Errorf("%w: no header line: want %s", ErrInvalidArgument, strings.Join(redirectHeader, ","))
	}
	for i := range head {
		head[i] = strings.ToLower(strings.TrimSpace(head[i]))
	}
	if !slices.Equal(head, redirectHeader) && !slices.Equal(head, redirectHeader[:4]) {
		return nil, fmt.Errorf("%w: header %q: want %s (lang may be left out)", ErrInvalidArgument,
			strings.Join(head, ","), strings.Join(redirectHeader, ","))
	}
	var out []Redirect
	var bad []string
	seen := map[[2]string]int{}
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		line, _ := r.FieldPos(0)
		if err != nil {
			bad = append(bad, err.Error())
			break
		}
		rd, err := parseRedirect(rec)
		if err == nil {
			if prev, dup := seen[[2]string{rd.Host, rd.Path}]; dup {
				err = fmt.Errorf("the same old URL as line %d", prev)
			}
		}
		if err != nil {
			bad = append(bad, fmt.Sprintf("line %d: %v", line, err))
			if len(bad) >= 20 {
				bad = append(bad, "…")
				break
			}
			continue
		}
		seen[[2]string{rd.Host, rd.Path}] = line
		out = append(out, rd)
		if len(out) > MaxRedirectRows {
			return nil, fmt.Errorf("%w: more than %d rows: split the file", ErrInvalidArgument, MaxRedirectRows)
		}
	}
	if len(bad) > 0 {
		return nil, fmt.Errorf("%w: %s", ErrInvalidArgument, strings.Join(bad, "; "))
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%w: the file has no row after its header", ErrInvalidArgument)
	}
	return out, nil
}

func parseRedirect(rec []string) (Redirect, error) {
	if len(rec) < 4 || len(rec) > 5 {
		return Redirect{}, fmt.Errorf("%d fields, want 4 or 5", len(rec))
	}
	for i := range rec {
		rec[i] = strings.TrimSpace(rec[i])
	}
	u, err := url.Parse(rec[0])
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil {
		return Redirect{}, fmt.Errorf("old_url %q: want an absolute http(s) address", rec[0])
	}
	host := strings.ToLower(u.Hostname())
	if !hostRE.MatchString(host) || len(host) > 253 {
		return Redirect{}, fmt.Errorf("old_url %q: host %q is not a DNS name", rec[0], host)
	}
	rd := Redirect{Host: host, Path: RedirectPath(u.EscapedPath(), u.RawQuery), Tenant: rec[1], ContentID: rec[2], Category: rec[3], Locale: "vi"}
	if len(rec) == 5 && rec[4] != "" {
		rd.Locale = rec[4]
	}
	switch {
	case len(rd.Path) > 2000:
		return Redirect{}, errors.New("old_url: longer than 2,000 characters")
	case !tenantIDRE.MatchString(rd.Tenant):
		return Redirect{}, fmt.Errorf("tenant %q: want a tenant id", rd.Tenant)
	case rd.ContentID != "" && rd.Category != "":
		return Redirect{}, errors.New("give content_id or category, not both")
	case rd.ContentID != "" && !contentrules.ValidContentID(rd.ContentID):
		return Redirect{}, fmt.Errorf("content_id %q: want [a-z0-9-], 1 to %d characters", rd.ContentID, contentrules.MaxContentID)
	case rd.Locale != "vi" && rd.Locale != "en" && rd.Locale != "ru":
		return Redirect{}, fmt.Errorf("lang %q: want vi, en or ru", rd.Locale)
	}
	return rd, nil
}

// RedirectPath is the key an old URL is looked up by: its escaped path
// ("/" when empty) and its query when it has one. The gateway builds the
// same key from a request.
func RedirectPath(escapedPath, rawQuery string) string {
	if escapedPath == "" {
		escapedPath = "/"
	}
	if rawQuery != "" {
		return escapedPath + "?" + rawQuery
	}
	return escapedPath
}

// ImportRedirects stores a redirect map, adding rows and replacing those
// with the same old URL; with replace, the rows of the hosts the map names
// that it does not hold are removed. The tenants, items and categories it
// names must exist (an item may have moved since: the gateway follows the
// move). It returns the hosts the map names.
func (s *Store) ImportRedirects(ctx context.Context, actor string, rs []Redirect, replace bool) ([]string, error) {
	hostSet := map[string]bool{}
	for _, r := range rs {
		hostSet[r.Host] = true
	}
	hosts := make([]string, 0, len(hostSet))
	for h := range hostSet {
		hosts = append(hosts, h)
	}
	slices.Sort(hosts)
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var served []string
		if err := tx.QueryRow(ctx, `SELECT coalesce(array_agg(host || ' (' || tenant_id || ')'), '{}') FROM tenant_hosts h
			JOIN tenants t ON t.id = h.tenant_id WHERE host = ANY($1) AND status <> 'retired'`, hosts).Scan(&served); err != nil {
			return err
		}
		if len(served) > 0 {
			// Their sites answer these hosts; a map there would shadow pages.
			return fmt.Errorf("%w: host names of active sub-portals' sites: %s", ErrInvalidArgument, strings.Join(served, ", "))
		}
		if replace {
			if _, err := tx.Exec(ctx, `DELETE FROM redirect_map WHERE host = ANY($1)`, hosts); err != nil {
				return err
			}
		}
		var missing []string
		for _, r := range rs {
			if msg, err := checkRedirectTarget(ctx, tx, r); err != nil {
				return err
			} else if msg != "" {
				missing = append(missing, "https://"+r.Host+r.Path+": "+msg)
				if len(missing) >= 20 {
					break
				}
			}
		}
		if len(missing) > 0 {
			return fmt.Errorf("%w: targets that do not exist: %s", ErrInvalidArgument, strings.Join(missing, "; "))
		}
		cols := []string{"host", "path", "tenant_id", "content_id", "category", "locale", "imported_by"}
		if _, err := tx.Exec(ctx, `CREATE TEMP TABLE redirect_import (LIKE redirect_map INCLUDING DEFAULTS) ON COMMIT DROP`); err != nil {
			return err
		}
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{"redirect_import"}, cols, pgx.CopyFromSlice(len(rs), func(i int) ([]any, error) {
			r := rs[i]
			return []any{r.Host, r.Path, r.Tenant, r.ContentID, r.Category, r.Locale, actor}, nil
		})); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO redirect_map (host, path, tenant_id, content_id, category, locale, imported_by)
			SELECT host, path, tenant_id, content_id, category, locale, imported_by FROM redirect_import
			ON CONFLICT (host, path) DO UPDATE SET tenant_id = excluded.tenant_id, content_id = excluded.content_id,
				category = excluded.category, locale = excluded.locale, imported_by = excluded.imported_by, imported_at = now()`); err != nil {
			return err
		}
		// The gateways reload their registry (the map's hosts) at once.
		if err := announceTenant(ctx, tx, RedirectsRegistryID, "redirects.import", ""); err != nil {
			return err
		}
		return audit(ctx, tx, actor, "redirects.import", "", strings.Join(hosts, ","),
			map[string]any{"rows": len(rs), "hosts": hosts, "replace": replace})
	})
	if err != nil {
		return nil, mapErr("import redirects", err)
	}
	return hosts, nil
}

// checkRedirectTarget says what is wrong with r's target ("" if nothing).
func checkRedirectTarget(ctx context.Context, tx pgx.Tx, r Redirect) (string, error) {
	var tenant, item, category bool
	err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM tenants WHERE id = $1),
		$2 = '' OR EXISTS (SELECT 1 FROM items WHERE tenant_id = $1 AND content_id = $2)
			OR EXISTS (SELECT 1 FROM item_moves WHERE from_tenant = $1 AND from_content_id = $2),
		$3 = '' OR EXISTS (SELECT 1 FROM categories WHERE code = $3)`, r.Tenant, r.ContentID, r.Category).Scan(&tenant, &item, &category)
	switch {
	case err != nil:
		return "", err
	case !tenant:
		return "no tenant " + r.Tenant, nil
	case !item:
		return "no item " + r.Tenant + "/" + r.ContentID, nil
	case !category:
		return "no category " + r.Category + " (hubctl categories list)", nil
	}
	return "", nil
}
