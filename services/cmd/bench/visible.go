package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"

	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/types/known/timestamppb"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"github.com/portalhub/portalhub/services/contentrules"
	"github.com/portalhub/portalhub/services/internal/federation"
	"github.com/portalhub/portalhub/services/internal/hubstore"
)

// benchItem is a typical news article at a given revision.
func benchItem(rev int) *pb.ContentItem {
	body := bytes.Repeat([]byte("<p>Sở Khoa học và Công nghệ tỉnh Khánh Hòa tổ chức hội nghị chuyển đổi số.</p>"), 20)
	return &pb.ContentItem{
		ContentId: "bench-item", Kind: pb.ContentKind_CONTENT_KIND_ARTICLE, Category: "news",
		State: pb.PublicationState_PUBLICATION_STATE_PUBLISHED,
		Translations: []*pb.Translation{{Locale: "vi", Title: "Bản tin đo lường số " + strconv.Itoa(rev),
			Summary: "Tóm tắt", BodyHtml: string(body), Slug: "bench-item"}},
		Authors:     []*pb.Person{{Name: "Nguyễn Văn An"}},
		Approver:    &pb.Person{Name: "Trần Thị Bình"},
		PublishedAt: timestamppb.New(time.Date(2026, 11, 27, 8, 0, 0, 0, time.UTC)),
	}
}

// revision is one publish-to-visible measurement: when the revision was
// posted, when the gateway first served it, and its version.
type revision struct {
	posted, visible time.Time
	version         uint64
}

// publishToVisible posts n revisions of one item to the sub-portal's API
// and times each until the gateway serves that version.
func publishToVisible(ctx context.Context, f *federation.Federation, n int) ([]revision, error) {
	sp := f.SubPortals["bench"]
	client := &http.Client{Timeout: 10 * time.Second}
	page := f.Gateway + "/vi/bench/bench-item"
	out := make([]revision, 0, n)
	for i := 1; i <= n; i++ {
		b, err := protojson.Marshal(benchItem(i))
		if err != nil {
			return nil, err
		}
		var fields map[string]any
		json.Unmarshal(b, &fields)
		fields["author"] = "Nguyễn Văn An" // the token's account approves
		delete(fields, "approver")
		body, _ := json.Marshal(fields)

		start := time.Now()
		req, _ := http.NewRequestWithContext(ctx, http.MethodPost, sp.URL+"/api/items", bytes.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+sp.APIToken)
		req.Header.Set("Content-Type", "application/json")
		resp, err := client.Do(req)
		if err != nil {
			return nil, err
		}
		var created struct {
			Version uint64 `json:"version"`
		}
		err = json.NewDecoder(resp.Body).Decode(&created)
		resp.Body.Close()
		if err != nil || resp.StatusCode != http.StatusCreated {
			return nil, fmt.Errorf("post revision %d: status %d %v", i, resp.StatusCode, err)
		}
		want := strconv.FormatUint(created.Version, 10)
		deadline := time.Now().Add(30 * time.Second)
		for {
			resp, err := client.Get(page)
			if err != nil {
				return nil, err
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK && resp.Header.Get("X-Content-Version") == want {
				break
			}
			if time.Now().After(deadline) {
				return nil, fmt.Errorf("revision %d (version %s) not visible after 30s (status %d, version %q)",
					i, want, resp.StatusCode, resp.Header.Get("X-Content-Version"))
			}
			time.Sleep(200 * time.Microsecond)
		}
		out = append(out, revision{posted: start, visible: time.Now(), version: created.Version})
	}
	return out, nil
}

// applyWithAndWithoutIndex times the hub's write of a revision of the bench's
// article (contentrules.Prepare and hubstore.Apply, as the aggregator's
// Publish does), n each way in alternating blocks of 10, with the search
// index (search's share) and without it (Store.SkipSearchIndex), on the
// federation's hub database, as a new item of the bench's tenant that no
// page shows.
func applyWithAndWithoutIndex(ctx context.Context, hubURL, tenant string, n int) (with, without []time.Duration, err error) {
	hub, plain, err := openStores(ctx, hubURL)
	if err != nil {
		return nil, nil, err
	}
	defer hub.Close()
	defer plain.Close()
	rev := 0
	for len(with) < n || len(without) < n {
		for _, st := range []*hubstore.Store{hub, plain} {
			for range 10 {
				rev++
				it := benchItem(rev)
				it.ContentId, it.Translations[0].Slug = "bench-apply", "bench-apply"
				it.Version = uint64(rev)
				start := time.Now()
				p, err := contentrules.Prepare(it, st.Categories())
				if err != nil {
					return nil, nil, err
				}
				if _, err := st.Apply(ctx, tenant, p); err != nil {
					return nil, nil, err
				}
				if st == hub {
					with = append(with, time.Since(start))
				} else {
					without = append(without, time.Since(start))
				}
			}
		}
	}
	return with, without, nil
}
