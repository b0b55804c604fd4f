package portal

import (
	"context"

	"github.com/portalhub/portalhub/gateway/internal/pagecache"
)

// The sections of standing pages (the introduction of the province,
// investment, tourism: toc.go) list their pages by title and summary, the
// newest first, without the dates a news list shows: a reader picks the
// page on geography or on industrial zones, not the latest one.
func (s *Server) standingSection(ctx context.Context, sec section) (*pagecache.Render, error) {
	v, problem, err := s.sectionList(ctx, sec)
	if err != nil {
		return nil, err
	}
	return s.sectionPageRender("standing", v, sec, problem)
}
