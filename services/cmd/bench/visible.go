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
	"github.com/portalhub/portalhub/services/internal/federation"
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
