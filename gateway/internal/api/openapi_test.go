package api

import (
	"context"
	"slices"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

// The document is valid OpenAPI 3.1, and its kinds are the contract's.
func TestDocument(t *testing.T) {
	b, err := Document()
	if err != nil {
		t.Fatal(err)
	}
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(b)
	if err != nil {
		t.Fatal(err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatalf("not valid OpenAPI: %v", err)
	}
	if doc.OpenAPI != "3.1.0" {
		t.Errorf("openapi %q", doc.OpenAPI)
	}
	var kinds []string
	for _, v := range doc.Components.Schemas["Kind"].Value.Enum {
		kinds = append(kinds, v.(string))
	}
	slices.Sort(kinds)
	if !slices.Equal(kinds, kindWords) {
		t.Errorf("Kind enum %v, want the contract's kinds %v", kinds, kindWords)
	}
	for _, name := range []string{"/api/v1/items", "/api/v1/tenants", "/api/v1/catalog", "/api/v1/openapi.json"} {
		if doc.Paths.Find(name) == nil {
			t.Errorf("no path %s", name)
		}
	}
}
