package portal_test

import (
	"encoding/json"
	"net/url"
	"testing"
)

// The search API's answers, found or refused, match the OpenAPI document,
// and a refusal names its parameter in invalid_params as the rest of the
// API does.
func TestSearchAPIDocumented(t *testing.T) {
	e := searchEnv(t, nil)
	for _, tt := range []struct {
		query  string
		status int
		param  string
	}{
		{"q=" + url.QueryEscape("lễ hội"), 200, ""},
		{"q=hoa&tenant=so-du-lich&lang=vi&date=year&page=1", 200, ""},
		{"", 200, ""},
		{"q=hoa&page=-1", 400, "page"},
		{"q=hoa&kind=tin", 400, "kind"},
		{"q=hoa&from=2025-13-01", 400, "from"},
		{"q=hoa&tenant=khong-co", 400, "tenant"},
	} {
		res, body := e.apiGet(t, "/api/v1/search?"+tt.query)
		if res.StatusCode != tt.status {
			t.Errorf("%s: %d, want %d", tt.query, res.StatusCode, tt.status)
			continue
		}
		if tt.param == "" {
			continue
		}
		var p struct {
			InvalidParams []struct{ Name, Reason string } `json:"invalid_params"`
		}
		if err := json.Unmarshal(body, &p); err != nil || len(p.InvalidParams) != 1 || p.InvalidParams[0].Name != tt.param ||
			p.InvalidParams[0].Reason == "" {
			t.Errorf("%s: invalid_params %+v (%v), want %s named with a reason", tt.query, p.InvalidParams, err, tt.param)
		}
	}
}
