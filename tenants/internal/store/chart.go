package store

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"github.com/portalhub/portalhub/services/contentrules"
	"github.com/portalhub/portalhub/tenants/internal/errs"
)

// checkChart refuses a dataset whose chart names a column its data file
// lacks (contentrules.CheckChartColumns): the sub-portal holds the file,
// the hub's rules cannot see into it. Only the file's first
// contentrules.CSVHeaderPrefix bytes are read.
func checkChart(ctx context.Context, q querier, item *pb.ContentItem) error {
	sha := chartFile(item)
	if sha == "" {
		return nil
	}
	head, err := csvHead(ctx, q, sha)
	if err != nil {
		return err
	}
	return checkChartHead(item, head)
}

// chartFile is the file whose columns an item's chart names, "" for none.
func chartFile(item *pb.ContentItem) string {
	ds := item.GetDataset()
	if ds.GetChart() == nil {
		return ""
	}
	return ds.GetDataSha256()
}

// checkChartHead checks an item's chart against the head of its file (nil
// when the file is not held: refused as BLOB_MISSING before).
func checkChartHead(item *pb.ContentItem, head []byte) error {
	if chartFile(item) == "" || head == nil {
		return nil
	}
	return rulesError(contentrules.CheckChartColumns(item.GetDataset(), head))
}

// FileHead returns the first contentrules.CSVHeaderPrefix bytes of a
// stored file, enough for its CSV header (contentrules.CSVHeader and
// CheckChartColumns take it). A file not held is NotFound.
func (s *Store) FileHead(ctx context.Context, sha string) (_ []byte, err error) {
	defer boundary(&err)
	head, err := csvHead(ctx, s.pool, sha)
	if err != nil {
		return nil, err
	}
	if head == nil {
		return nil, errs.New(errs.NotFound, "sha256", "no such file", "Không có tệp này.")
	}
	return head, nil
}

// csvHead reads the first bytes of a stored file; nil when it is not held.
func csvHead(ctx context.Context, q querier, sha string) ([]byte, error) {
	return scanCSVHead(q.QueryRow(ctx, csvHeadSQL, sha, contentrules.CSVHeaderPrefix), sha)
}

const csvHeadSQL = `SELECT substring(data FROM 1 FOR $2) FROM blobs WHERE sha256 = $1`

// scanCSVHead reads the row of csvHeadSQL; nil when the file is not held.
func scanCSVHead(row pgx.Row, sha string) ([]byte, error) {
	var head []byte
	err := row.Scan(&head)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read the head of file %s: %w", sha, err)
	}
	if head == nil {
		head = []byte{}
	}
	return head, nil
}

// rulesError is the error of violations of the hub's rules, under the
// sub-portal's field names; nil for none.
func rulesError(vs []contentrules.Violation) error {
	if e := errs.Rules(vs, itemField); e != nil {
		return e
	}
	return nil
}
