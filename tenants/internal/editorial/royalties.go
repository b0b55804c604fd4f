package editorial

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/portalhub/portalhub/tenants/internal/errs"
)

// RoyaltyLine is one contributor of one approved revision (Art. 14).
type RoyaltyLine struct {
	ContentID  string
	Title      string // Vietnamese
	HubVersion uint64
	ApprovedAt time.Time
	// PublishedAt is when the revision went (or goes) public: its
	// scheduled time, else its approval. Periods are counted by it.
	PublishedAt time.Time
	Contributor Contributor
}

// Royalties returns the contributors of every revision approved for
// publication in [from, to), in order of publication. Requests to
// unpublish carry no royalties, and neither does a revision scheduled for
// a time that a later approval of the item (a newer version, or a request
// to unpublish) went public before: it never was published (the hub keeps
// only the higher version).
func (s *Service) Royalties(ctx context.Context, from, to time.Time) ([]RoyaltyLine, error) {
	if !from.Before(to) {
		return nil, errs.Invalid("period", "the period's start must be before its end", "Ngày bắt đầu phải trước ngày kết thúc.")
	}
	rows, err := s.pool.Query(ctx, `
		SELECT r.content_id, coalesce(r.texts->'vi'->>'title', ''), r.hub_version, r.approved_at,
		       coalesce(r.publish_at, r.approved_at) AS published,
		       c.name, coalesce(c.account_id, 0), c.role, c.points::float8, c.amount_vnd
		FROM revision_contributors c JOIN revisions r ON r.id = c.revision_id
		WHERE r.state IN ('approved', 'superseded') AND NOT r.unpublish
		  AND coalesce(r.publish_at, r.approved_at) >= $1 AND coalesce(r.publish_at, r.approved_at) < $2
		  AND NOT (r.publish_at IS NOT NULL AND EXISTS (
		      SELECT 1 FROM revisions n
		      WHERE n.content_id = r.content_id AND n.hub_version > r.hub_version
		        AND coalesce(n.publish_at, n.approved_at) <= r.publish_at))
		ORDER BY published, r.content_id, r.hub_version, c.position`, from, to)
	if err != nil {
		return nil, wrap(err, "royalties")
	}
	defer rows.Close()
	var out []RoyaltyLine
	for rows.Next() {
		var l RoyaltyLine
		var v int64
		c := &l.Contributor
		if err := rows.Scan(&l.ContentID, &l.Title, &v, &l.ApprovedAt, &l.PublishedAt, &c.Name, &c.AccountID, &c.Role, &c.Points, &c.AmountVND); err != nil {
			return nil, wrap(err, "royalties")
		}
		l.HubVersion = uint64(v)
		out = append(out, l)
	}
	return out, rows.Err()
}

// Month returns the period of a calendar month in Viet Nam: [from, to).
func Month(year int, month time.Month) (from, to time.Time) {
	from = time.Date(year, month, 1, 0, 0, 0, 0, Zone)
	return from, from.AddDate(0, 1, 0)
}

// Quarter returns the period of a quarter (1-4) in Viet Nam: [from, to).
func Quarter(year, quarter int) (from, to time.Time) {
	from = time.Date(year, time.Month(3*(quarter-1)+1), 1, 0, 0, 0, 0, Zone)
	return from, from.AddDate(0, 3, 0)
}

// RoyaltyTotal is one person's total over a period.
type RoyaltyTotal struct {
	Name      string
	AccountID int64
	Items     int // lines
	Points    float64
	AmountVND int64
}

// RoyaltyTotals sums lines per person (by account, else by name), in
// order of name.
func RoyaltyTotals(lines []RoyaltyLine) []RoyaltyTotal {
	idx := map[string]int{}
	var out []RoyaltyTotal
	for _, l := range lines {
		c := l.Contributor
		key := "name:" + c.Name
		if c.AccountID != 0 {
			key = fmt.Sprint("id:", c.AccountID)
		}
		i, ok := idx[key]
		if !ok {
			i = len(out)
			idx[key] = i
			out = append(out, RoyaltyTotal{Name: c.Name, AccountID: c.AccountID})
		}
		out[i].Items++
		out[i].Points += c.Points
		out[i].AmountVND += c.AmountVND
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// RoyaltiesCSV writes lines as CSV for Excel: UTF-8 with a byte-order mark,
// Vietnamese headers, dates in Viet Nam, and a total row.
func RoyaltiesCSV(w io.Writer, lines []RoyaltyLine) error {
	if _, err := io.WriteString(w, "\uFEFF"); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	records := [][]string{{"Ngày đăng", "Mã nội dung", "Tiêu đề", "Phiên bản", "Ngày duyệt", "Người hưởng", "Vai trò", "Điểm nhuận bút", "Số tiền (đồng)"}}
	var points float64
	var amount int64
	for _, l := range lines {
		c := l.Contributor
		records = append(records, []string{
			l.PublishedAt.In(Zone).Format("02/01/2006 15:04"),
			cell(l.ContentID), cell(l.Title), strconv.FormatUint(l.HubVersion, 10),
			l.ApprovedAt.In(Zone).Format("02/01/2006 15:04"),
			cell(c.Name), ContributorRoleVI(c.Role),
			strconv.FormatFloat(c.Points, 'f', -1, 64), strconv.FormatInt(c.AmountVND, 10),
		})
		points += c.Points
		amount += c.AmountVND
	}
	records = append(records, []string{"Tổng cộng", "", "", "", "", "", "",
		strconv.FormatFloat(math.Round(points*100)/100, 'f', -1, 64), strconv.FormatInt(amount, 10)})
	if err := cw.WriteAll(records); err != nil {
		return fmt.Errorf("write royalties CSV: %w", err)
	}
	return nil
}

// cell keeps a spreadsheet from reading text as a formula.
func cell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
