package api

import (
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/gin-gonic/gin"
)

// The document and the handlers agree: every route Register installs is an
// operation of the document, and every operation of the document has its
// route. GET and HEAD are served together (HEAD is not written in the
// document), OPTIONS is the CORS preflight of every path.
func TestDocumentMatchesRoutes(t *testing.T) {
	s, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	gin.SetMode(gin.ReleaseMode)
	e := gin.New()
	s.Register(e)
	param := regexp.MustCompile(`:([a-z_]+)`)
	served := map[string]bool{}
	for _, r := range e.Routes() {
		path := param.ReplaceAllString(r.Path, "{$1}")
		switch r.Method {
		case http.MethodOptions:
			if path != Prefix+"/*path" {
				t.Errorf("OPTIONS %s: the preflight answers every path of the API", path)
			}
		case http.MethodGet, http.MethodHead:
			served[r.Method+" "+path] = true
		default:
			t.Errorf("%s %s: the API only reads", r.Method, path)
		}
	}
	b, err := Document()
	if err != nil {
		t.Fatal(err)
	}
	doc, err := openapi3.NewLoader().LoadFromData(b)
	if err != nil {
		t.Fatal(err)
	}
	documented := map[string]bool{}
	for path, item := range doc.Paths.Map() {
		for method := range item.Operations() {
			documented[method+" "+path] = true
		}
	}
	for op := range served {
		method, path, _ := strings.Cut(op, " ")
		if method == http.MethodHead {
			if !served["GET "+path] {
				t.Errorf("HEAD %s without GET", path)
			}
			continue
		}
		if !documented[op] {
			t.Errorf("%s is served but not in the OpenAPI document", op)
		}
	}
	var missing []string
	for op := range documented {
		method, path, _ := strings.Cut(op, " ")
		// The search is served by the portal beside its search page
		// (portal/server.go, TestSearchAPIDocumented checks its answers).
		if path == Prefix+"/search" && method == http.MethodGet {
			continue
		}
		if !served[op] || !served["HEAD "+path] {
			missing = append(missing, op)
		}
	}
	slices.Sort(missing)
	if len(missing) > 0 {
		t.Errorf("documented, but no route serves GET and HEAD: %v", missing)
	}
}
