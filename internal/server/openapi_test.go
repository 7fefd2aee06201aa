package server_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"mime"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/signon-coalition/signon/internal/server"
	"github.com/signon-coalition/signon/internal/signon"
	"github.com/signon-coalition/signon/internal/store/storetest"
)

// The OpenAPI document is the API's contract with partners' code. These
// tests hold it to the code three ways: it is well-formed OpenAPI 3.1
// whose schemas compile as JSON Schema 2020-12; it lists exactly the
// routes Echo serves under /api/v1; and every answer the live server
// gives matches the schema documented for its operation and status.

// openAPIURL names the document for the schema compiler; nothing is
// fetched from it.
const openAPIURL = "https://signon.test/api/v1/openapi.json"

// The parts of OpenAPI 3.1 the document uses. Decoding into them with
// unknown fields refused catches a misspelt keyword ("requestbody",
// "parameter"), which a generic reader would silently ignore.
type oaDocument struct {
	OpenAPI           string                 `json:"openapi"`
	JSONSchemaDialect string                 `json:"jsonSchemaDialect"`
	Info              oaInfo                 `json:"info"`
	Servers           []oaServer             `json:"servers"`
	Tags              []oaTag                `json:"tags"`
	Paths             map[string]*oaPathItem `json:"paths"`
	Webhooks          map[string]*oaPathItem `json:"webhooks"`
	Components        oaComponents           `json:"components"`
}

type oaInfo struct {
	Title       string `json:"title"`
	Version     string `json:"version"`
	Summary     string `json:"summary"`
	Description string `json:"description"`
}

type oaServer struct {
	URL         string `json:"url"`
	Description string `json:"description"`
}

type oaTag struct {
	Name        string `json:"name"`
	Description string `json:"description"`
}

type oaPathItem struct {
	Summary     string        `json:"summary"`
	Description string        `json:"description"`
	Parameters  []oaParameter `json:"parameters"`
	Get         *oaOperation  `json:"get"`
	Put         *oaOperation  `json:"put"`
	Post        *oaOperation  `json:"post"`
	Delete      *oaOperation  `json:"delete"`
	Patch       *oaOperation  `json:"patch"`
	Head        *oaOperation  `json:"head"`
	Options     *oaOperation  `json:"options"`
}

// operations maps each documented HTTP method of the path to its operation.
func (p *oaPathItem) operations() map[string]*oaOperation {
	ops := map[string]*oaOperation{}
	for method, op := range map[string]*oaOperation{
		http.MethodGet: p.Get, http.MethodPut: p.Put, http.MethodPost: p.Post, http.MethodDelete: p.Delete,
		http.MethodPatch: p.Patch, http.MethodHead: p.Head, http.MethodOptions: p.Options,
	} {
		if op != nil {
			ops[method] = op
		}
	}
	return ops
}

type oaOperation struct {
	OperationID string                `json:"operationId"`
	Tags        []string              `json:"tags"`
	Summary     string                `json:"summary"`
	Description string                `json:"description"`
	Parameters  []oaParameter         `json:"parameters"`
	RequestBody *oaRequestBody        `json:"requestBody"`
	Responses   map[string]oaResponse `json:"responses"`
	// Security lists the ways to authenticate, {} for none.
	Security []map[string][]string `json:"security"`
}

type oaParameter struct {
	Ref         string          `json:"$ref"`
	Name        string          `json:"name"`
	In          string          `json:"in"`
	Description string          `json:"description"`
	Required    bool            `json:"required"`
	Schema      json.RawMessage `json:"schema"`
}

type oaRequestBody struct {
	Required    bool                   `json:"required"`
	Description string                 `json:"description"`
	Content     map[string]oaMediaType `json:"content"`
}

type oaResponse struct {
	Ref         string                 `json:"$ref"`
	Description string                 `json:"description"`
	Headers     map[string]oaHeader    `json:"headers"`
	Content     map[string]oaMediaType `json:"content"`
}

type oaHeader struct {
	Description string          `json:"description"`
	Required    bool            `json:"required"`
	Schema      json.RawMessage `json:"schema"`
}

type oaMediaType struct {
	Schema json.RawMessage `json:"schema"`
}

type oaComponents struct {
	SecuritySchemes map[string]oaSecurityScheme `json:"securitySchemes"`
	Parameters      map[string]oaParameter      `json:"parameters"`
	Responses       map[string]oaResponse       `json:"responses"`
	Schemas         map[string]json.RawMessage  `json:"schemas"`
}

type oaSecurityScheme struct {
	Type        string `json:"type"`
	Scheme      string `json:"scheme"`
	Description string `json:"description"`
}

// apiContract is the document, ready to check requests and answers
// against, and a record of which documented answers were seen.
type apiContract struct {
	raw      []byte
	doc      oaDocument
	tree     any // the document as generic JSON, for following $refs
	compiler *jsonschema.Compiler
	compiled map[string]*jsonschema.Schema // by JSON pointer
	answered map[string]bool               // "GET /statements/{slug} 404"
}

func loadAPIContract(t testing.TB) *apiContract {
	t.Helper()
	raw, err := os.ReadFile("openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	a := &apiContract{raw: raw, compiled: map[string]*jsonschema.Schema{}, answered: map[string]bool{}}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&a.doc); err != nil {
		t.Fatalf("openapi.json is not the OpenAPI this test knows: %v", err)
	}
	if a.tree, err = jsonschema.UnmarshalJSON(bytes.NewReader(raw)); err != nil {
		t.Fatalf("openapi.json: %v", err)
	}
	a.compiler = jsonschema.NewCompiler()
	a.compiler.DefaultDraft(jsonschema.Draft2020)
	if err := a.compiler.AddResource(openAPIURL, a.tree); err != nil {
		t.Fatalf("openapi.json: %v", err)
	}
	return a
}

// base is the path the document's paths are relative to.
func (a *apiContract) base() string {
	if len(a.doc.Servers) == 0 {
		return ""
	}
	return a.doc.Servers[0].URL
}

// pointerToken escapes one token of a JSON pointer (RFC 6901).
func pointerToken(s string) string {
	return strings.NewReplacer("~", "~0", "/", "~1").Replace(s)
}

// schema compiles the schema at the JSON pointer ptr of the document.
func (a *apiContract) schema(t testing.TB, ptr string) *jsonschema.Schema {
	t.Helper()
	if s, ok := a.compiled[ptr]; ok {
		return s
	}
	s, err := a.compiler.Compile(openAPIURL + "#" + ptr)
	if err != nil {
		t.Fatalf("schema at %s: %v", ptr, err)
	}
	a.compiled[ptr] = s
	return s
}

// component follows a reference to a component of the kind
// ("parameters", "responses"), returning its name and pointer.
func component(ref, kind string) (name, ptr string, ok bool) {
	prefix := "#/components/" + kind + "/"
	if !strings.HasPrefix(ref, prefix) {
		return "", "", false
	}
	name = strings.TrimPrefix(ref, prefix)
	return name, "/components/" + kind + "/" + pointerToken(name), true
}

// operationPointer is the JSON pointer of an operation.
func operationPointer(method, template string) string {
	return "/paths/" + pointerToken(template) + "/" + strings.ToLower(method)
}

func (a *apiContract) operation(method, template string) *oaOperation {
	if item := a.doc.Paths[template]; item != nil {
		return item.operations()[method]
	}
	return nil
}

// oaResolvedParameter is a parameter with its references followed and
// the pointer of its schema.
type oaResolvedParameter struct {
	oaParameter
	schemaPtr string
}

// parameters are an operation's parameters, the path's included, keyed
// by "in:name".
func (a *apiContract) parameters(method, template string) (map[string]oaResolvedParameter, error) {
	out := map[string]oaResolvedParameter{}
	add := func(list []oaParameter, at string) error {
		for i, p := range list {
			ptr := at + "/parameters/" + strconv.Itoa(i)
			if p.Ref != "" {
				name, cptr, ok := component(p.Ref, "parameters")
				if !ok {
					return fmt.Errorf("%s: $ref %q is not a parameter component", ptr, p.Ref)
				}
				if p, ok = a.doc.Components.Parameters[name]; !ok {
					return fmt.Errorf("%s: no parameter component %q", ptr, name)
				}
				ptr = cptr
			}
			out[p.In+":"+p.Name] = oaResolvedParameter{p, ptr + "/schema"}
		}
		return nil
	}
	if err := add(a.doc.Paths[template].Parameters, "/paths/"+pointerToken(template)); err != nil {
		return nil, err
	}
	return out, add(a.operation(method, template).Parameters, operationPointer(method, template))
}

// response is the documented answer of an operation with status, its
// reference followed, and the pointer of the response object.
func (a *apiContract) response(method, template string, status int) (oaResponse, string, error) {
	op := a.operation(method, template)
	if op == nil {
		return oaResponse{}, "", fmt.Errorf("%s %s is not documented", method, template)
	}
	code := strconv.Itoa(status)
	r, ok := op.Responses[code]
	if !ok {
		return oaResponse{}, "", fmt.Errorf("%s %s does not document status %d", method, template, status)
	}
	ptr := operationPointer(method, template) + "/responses/" + code
	if r.Ref != "" {
		name, cptr, ok := component(r.Ref, "responses")
		if !ok {
			return oaResponse{}, "", fmt.Errorf("%s: $ref %q is not a response component", ptr, r.Ref)
		}
		if r, ok = a.doc.Components.Responses[name]; !ok {
			return oaResponse{}, "", fmt.Errorf("%s: no response component %q", ptr, name)
		}
		ptr = cptr
	}
	return r, ptr, nil
}

// responseSchema is the schema the document gives for the body of the
// answer with status to method on the path template, and its media type.
func (a *apiContract) responseSchema(t testing.TB, method, template string, status int) (*jsonschema.Schema, string, error) {
	t.Helper()
	r, ptr, err := a.response(method, template, status)
	if err != nil {
		return nil, "", err
	}
	if len(r.Content) != 1 {
		return nil, "", fmt.Errorf("%s %s %d documents %d media types, want exactly one", method, template, status, len(r.Content))
	}
	mediaType := slices.Collect(maps.Keys(r.Content))[0]
	return a.schema(t, ptr+"/content/"+pointerToken(mediaType)+"/schema"), mediaType, nil
}

// template finds the documented path template that path (relative to the
// base) belongs to, preferring literal segments over parameters.
func (a *apiContract) template(path string) (string, bool) {
	segments := strings.Split(path, "/")
	best, bestLiterals := "", -1
	for tmpl := range a.doc.Paths {
		parts := strings.Split(tmpl, "/")
		if len(parts) != len(segments) {
			continue
		}
		literals, match := 0, true
		for i, p := range parts {
			if strings.HasPrefix(p, "{") && strings.HasSuffix(p, "}") {
				match = match && segments[i] != ""
				continue
			}
			match = match && p == segments[i]
			literals++
		}
		if match && literals > bestLiterals {
			best, bestLiterals = tmpl, literals
		}
	}
	return best, bestLiterals >= 0
}

// call sends one request to the API (target is relative to the
// document's base, with its query) and checks it and its answer against
// the document.
func (a *apiContract) call(t *testing.T, c *testClient, method, target, contentType, body string) *response {
	t.Helper()
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	template, ok := a.template(u.Path)
	if !ok {
		t.Fatalf("%s %s: no documented path matches", method, target)
	}
	var res *response
	switch method {
	case http.MethodGet:
		res = bearerGet(c, a.base()+target, c.bearer)
	case http.MethodPost:
		res = c.postRaw(a.base()+target, contentType, body)
	default:
		t.Fatalf("call does not send %s yet", method)
	}
	a.check(t, method, template, u.Query(), body, res)
	return res
}

// check holds one exchange to the document. Every query parameter must
// be documented; a request that succeeded must satisfy the parameter and
// body schemas, since the document must not forbid what the server
// accepts; and the answer must be of a documented status, media type
// and schema.
func (a *apiContract) check(t *testing.T, method, template string, query url.Values, body string, res *response) {
	t.Helper()
	what := fmt.Sprintf("%s %s answered %d", method, template, res.Status)
	op := a.operation(method, template)
	if op == nil {
		t.Errorf("%s, but the document has no such operation", what)
		return
	}
	params, err := a.parameters(method, template)
	if err != nil {
		t.Fatal(err)
	}
	succeeded := res.Status >= 200 && res.Status < 300
	for name, values := range query {
		p, ok := params["query:"+name]
		if !ok {
			t.Errorf("%s: query parameter %q is not documented", what, name)
			continue
		}
		for _, v := range values {
			if err := a.validParameter(t, p, v); succeeded && err != nil {
				t.Errorf("%s to %s=%q, which the document forbids: %v", what, name, v, err)
			}
		}
	}
	if succeeded && op.RequestBody != nil {
		v, err := jsonschema.UnmarshalJSON(strings.NewReader(body))
		if err != nil {
			t.Fatalf("%s to a body that is not JSON: %v", what, err)
		}
		ptr := operationPointer(method, template) + "/requestBody/content/" + pointerToken(echo.MIMEApplicationJSON) + "/schema"
		if err := a.schema(t, ptr).Validate(v); err != nil {
			t.Errorf("%s to a body the document forbids: %v\nbody: %s", what, err, body)
		}
	}

	schema, mediaType, err := a.responseSchema(t, method, template, res.Status)
	if err != nil {
		t.Errorf("%s: %v; body %s", what, err, res.Body)
		return
	}
	a.answered[fmt.Sprintf("%s %s %d", method, template, res.Status)] = true
	documented, ptr, _ := a.response(method, template, res.Status)
	for name, h := range documented.Headers {
		value := res.Header.Get(name)
		if value == "" {
			if h.Required {
				t.Errorf("%s without the header %s", what, name)
			}
			continue
		}
		if err := a.schema(t, ptr+"/headers/"+pointerToken(name)+"/schema").Validate(value); err != nil {
			t.Errorf("%s with a header %s the document does not allow: %v", what, name, err)
		}
	}
	if got, _, err := mime.ParseMediaType(res.Header.Get("Content-Type")); err != nil || got != mediaType {
		t.Errorf("%s with Content-Type %q, want %s", what, res.Header.Get("Content-Type"), mediaType)
	}
	v, err := jsonschema.UnmarshalJSON(strings.NewReader(res.Body))
	if err != nil {
		t.Errorf("%s with a body that is not JSON: %v\n%s", what, err, res.Body)
		return
	}
	if err := schema.Validate(v); err != nil {
		t.Errorf("%s with a body the document does not allow: %v\nbody: %s", what, err, res.Body)
	}
}

// validParameter checks a query value against the parameter's schema,
// reading it as a number when the schema wants one (form style).
func (a *apiContract) validParameter(t testing.TB, p oaResolvedParameter, value string) error {
	t.Helper()
	schema := a.schema(t, p.schemaPtr)
	err := schema.Validate(value)
	if err != nil {
		if _, perr := strconv.ParseFloat(value, 64); perr == nil {
			err = schema.Validate(json.Number(value))
		}
	}
	return err
}

// unanswered lists the documented answers no call has produced, except
// those in skip ("GET /statements 500").
func (a *apiContract) unanswered(skip ...string) []string {
	var out []string
	for template, item := range a.doc.Paths {
		for method, op := range item.operations() {
			for code := range op.Responses {
				key := method + " " + template + " " + code
				if !a.answered[key] && !slices.Contains(skip, key) {
					out = append(out, key)
				}
			}
		}
	}
	slices.Sort(out)
	return out
}

// operations lists the documented operations as "METHOD template".
func (a *apiContract) operations() []string {
	var out []string
	for template, item := range a.doc.Paths {
		for method := range item.operations() {
			out = append(out, method+" "+template)
		}
	}
	slices.Sort(out)
	return out
}

// references collects every $ref in v.
func references(v any, into map[string]bool) {
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			if s, ok := x.(string); ok && k == "$ref" {
				into[s] = true
			}
			references(x, into)
		}
	case []any:
		for _, x := range v {
			references(x, into)
		}
	}
}

// lookupPointer finds the value at a JSON pointer in v.
func lookupPointer(v any, ptr string) (any, bool) {
	if ptr == "" {
		return v, true
	}
	for _, tok := range strings.Split(strings.TrimPrefix(ptr, "/"), "/") {
		tok = strings.NewReplacer("~1", "/", "~0", "~").Replace(tok)
		switch x := v.(type) {
		case map[string]any:
			next, ok := x[tok]
			if !ok {
				return nil, false
			}
			v = next
		case []any:
			i, err := strconv.Atoi(tok)
			if err != nil || i < 0 || i >= len(x) {
				return nil, false
			}
			v = x[i]
		default:
			return nil, false
		}
	}
	return v, true
}

var pathParameter = regexp.MustCompile(`\{([^}]*)\}`)

func TestOpenAPI_Document(t *testing.T) {
	a := loadAPIContract(t)
	doc := a.doc

	if !regexp.MustCompile(`^3\.1\.[0-9]+$`).MatchString(doc.OpenAPI) {
		t.Errorf("openapi %q, want 3.1.x", doc.OpenAPI)
	}
	if doc.JSONSchemaDialect != "https://json-schema.org/draft/2020-12/schema" {
		t.Errorf("jsonSchemaDialect %q, want JSON Schema 2020-12", doc.JSONSchemaDialect)
	}
	if doc.Info.Title == "" || doc.Info.Version == "" {
		t.Errorf("info needs a title and a version: %+v", doc.Info)
	}
	if len(doc.Servers) != 1 || doc.Servers[0].URL != "/api/v1" {
		t.Errorf("servers %+v, want the one base /api/v1", doc.Servers)
	}

	t.Run("References", func(t *testing.T) {
		refs := map[string]bool{}
		references(a.tree, refs)
		for ref := range refs {
			if !strings.HasPrefix(ref, "#/") {
				t.Errorf("$ref %q leaves the document", ref)
			} else if _, ok := lookupPointer(a.tree, strings.TrimPrefix(ref, "#")); !ok {
				t.Errorf("$ref %q leads nowhere", ref)
			}
		}
		kinds := map[string][]string{}
		for name := range doc.Components.Schemas {
			kinds["schemas"] = append(kinds["schemas"], name)
		}
		for name := range doc.Components.Parameters {
			kinds["parameters"] = append(kinds["parameters"], name)
		}
		for name := range doc.Components.Responses {
			kinds["responses"] = append(kinds["responses"], name)
		}
		for kind, names := range kinds {
			for _, name := range names {
				if ref := "#/components/" + kind + "/" + pointerToken(name); !refs[ref] {
					t.Errorf("%s is never used", ref)
				}
			}
		}
	})

	t.Run("Webhooks", func(t *testing.T) {
		tags := map[string]bool{}
		for _, tag := range doc.Tags {
			tags[tag.Name] = true
		}
		if len(doc.Webhooks) == 0 {
			t.Fatal("no webhooks documented")
		}
		for name, item := range doc.Webhooks {
			ops := item.operations()
			if len(ops) != 1 || ops[http.MethodPost] == nil {
				t.Errorf("webhook %s: want one POST", name)
				continue
			}
			op := ops[http.MethodPost]
			if op.OperationID == "" || op.Summary == "" || op.RequestBody == nil {
				t.Errorf("webhook %s needs an operationId, a summary and a request body", name)
			}
			for _, tag := range op.Tags {
				if !tags[tag] {
					t.Errorf("webhook %s has tag %q, which is not declared", name, tag)
				}
			}
		}
	})

	t.Run("Operations", func(t *testing.T) {
		ids := map[string]string{}
		tags := map[string]bool{}
		for _, tag := range doc.Tags {
			tags[tag.Name] = true
		}
		for template, item := range doc.Paths {
			if !strings.HasPrefix(template, "/") {
				t.Errorf("path %q does not start with /", template)
			}
			ops := item.operations()
			if len(ops) == 0 {
				t.Errorf("%s has no operation", template)
			}
			var inPath []string
			for _, m := range pathParameter.FindAllStringSubmatch(template, -1) {
				inPath = append(inPath, m[1])
			}
			slices.Sort(inPath)
			for method, op := range ops {
				what := method + " " + template
				if op.OperationID == "" {
					t.Errorf("%s has no operationId", what)
				} else if other, dup := ids[op.OperationID]; dup {
					t.Errorf("%s and %s share operationId %q", what, other, op.OperationID)
				}
				ids[op.OperationID] = what
				if op.Summary == "" {
					t.Errorf("%s has no summary", what)
				}
				for _, tag := range op.Tags {
					if !tags[tag] {
						t.Errorf("%s has tag %q, which is not declared", what, tag)
					}
				}
				params, err := a.parameters(method, template)
				if err != nil {
					t.Errorf("%s: %v", what, err)
					continue
				}
				var declared []string
				for _, p := range params {
					switch p.In {
					case "path":
						declared = append(declared, p.Name)
						if !p.Required {
							t.Errorf("%s: path parameter %q must be required", what, p.Name)
						}
					case "query", "header", "cookie":
					default:
						t.Errorf("%s: parameter %q is in %q", what, p.Name, p.In)
					}
					if p.Name == "" || len(p.Schema) == 0 {
						t.Errorf("%s: parameter %+v needs a name and a schema", what, p.oaParameter)
					}
					a.schema(t, p.schemaPtr)
				}
				slices.Sort(declared)
				if !slices.Equal(declared, inPath) {
					t.Errorf("%s declares path parameters %v, its path has %v", what, declared, inPath)
				}
				if op.RequestBody != nil {
					if len(op.RequestBody.Content) == 0 {
						t.Errorf("%s: request body without content", what)
					}
					for mediaType := range op.RequestBody.Content {
						a.schema(t, operationPointer(method, template)+"/requestBody/content/"+pointerToken(mediaType)+"/schema")
					}
				}
				if len(op.Responses) == 0 {
					t.Errorf("%s documents no response", what)
				}
				for code := range op.Responses {
					status, err := strconv.Atoi(code)
					if err != nil || status < 100 || status > 599 {
						t.Errorf("%s: response %q is not a status code", what, code)
						continue
					}
					r, _, err := a.response(method, template, status)
					if err != nil {
						t.Errorf("%v", err)
						continue
					}
					if r.Description == "" {
						t.Errorf("%s %s has no description", what, code)
					}
					if _, _, err := a.responseSchema(t, method, template, status); err != nil {
						t.Errorf("%v", err)
					}
				}
			}
		}
	})

	t.Run("SchemasCompile", func(t *testing.T) {
		if len(doc.Components.Schemas) == 0 {
			t.Fatal("no component schemas")
		}
		for name := range doc.Components.Schemas {
			a.schema(t, "/components/schemas/"+pointerToken(name))
		}
	})

	// The compiler must check schemas against the 2020-12 meta-schema, or
	// SchemasCompile would pass on nonsense.
	t.Run("CompilerRejectsInvalidSchemas", func(t *testing.T) {
		for _, broken := range []string{`{"type": "strin"}`, `{"maxLength": -1}`, `{"required": "email"}`, `{"pattern": "("}`} {
			c := jsonschema.NewCompiler()
			c.DefaultDraft(jsonschema.Draft2020)
			doc, err := jsonschema.UnmarshalJSON(strings.NewReader(`{"openapi": "3.1.1", "components": {"schemas": {"Broken": ` + broken + `}}}`))
			if err != nil {
				t.Fatal(err)
			}
			if err := c.AddResource(openAPIURL, doc); err != nil {
				t.Fatal(err)
			}
			if _, err := c.Compile(openAPIURL + "#/components/schemas/Broken"); err == nil {
				t.Errorf("%s compiled", broken)
			}
		}
	})

	// A field the code adds to an answer but the document does not name
	// must fail validation: that is how a leaked email would show.
	t.Run("UndocumentedFieldsFail", func(t *testing.T) {
		signature := `{"organization": "Casa de la Raza", "signer_name": "Ana Torres", "signer_title": "", "signer_type": "organization",` +
			` "city": "El Paso", "country": "US", "region": "US-TX", "website": "", "signed_at": "2026-11-01T15:00:00Z", "version_signed": 1, "lead": false`
		for _, tt := range []struct {
			name, body string
			valid      bool
		}{
			{"Public", signature + `}`, true},
			{"Email", signature + `, "email": "ana@example.org"}`, false},
			{"Status", signature + `, "status": "approved"}`, false},
			{"Source", signature + `, "source": "api"}`, false},
			{"MissingField", `{"organization": "Casa de la Raza"}`, false},
			{"FractionalSecond", strings.Replace(signature, "15:00:00Z", "15:00:00.5Z", 1) + `}`, false},
		} {
			t.Run(tt.name, func(t *testing.T) {
				v, err := jsonschema.UnmarshalJSON(strings.NewReader(tt.body))
				if err != nil {
					t.Fatal(err)
				}
				err = a.schema(t, "/components/schemas/Signature").Validate(v)
				if (err == nil) != tt.valid {
					t.Errorf("valid %v, want %v: %v", err == nil, tt.valid, err)
				}
			})
		}
	})
}

// openAPITemplate writes an Echo route path in OpenAPI's form:
// /statements/:slug becomes /statements/{slug}.
func openAPITemplate(path string) string {
	parts := strings.Split(path, "/")
	for i, p := range parts {
		switch {
		case strings.HasPrefix(p, ":"):
			parts[i] = "{" + p[1:] + "}"
		case p == "*":
			parts[i] = "{*}" // OpenAPI has no wildcard: never matches
		}
	}
	return strings.Join(parts, "/")
}

func TestOpenAPI_Routes(t *testing.T) {
	a := loadAPIContract(t)
	forEachDialect(t, func(t *testing.T, dialect string) {
		srv, err := server.New(server.Config{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}, storetest.Open(t, dialect))
		if err != nil {
			t.Fatal(err)
		}
		var served []string
		for _, r := range server.RoutesOf(srv) {
			// Echo adds not-found routes to a group with middleware.
			if r.Method == echo.RouteNotFound || !strings.HasPrefix(r.Path, a.base()+"/") {
				continue
			}
			served = append(served, r.Method+" "+openAPITemplate(strings.TrimPrefix(r.Path, a.base())))
		}
		slices.Sort(served)
		served = slices.Compact(served)
		if len(served) == 0 {
			t.Fatalf("no routes under %s", a.base())
		}
		documented := a.operations()
		for _, op := range served {
			if !slices.Contains(documented, op) {
				t.Errorf("%s is served but not documented in openapi.json", op)
			}
		}
		for _, op := range documented {
			if !slices.Contains(served, op) {
				t.Errorf("%s is documented but not served", op)
			}
		}
	})
}

// apiExchange is one request to the API and the status it must get.
type apiExchange struct {
	name        string
	method      string
	target      string // relative to the API's base, with the query
	contentType string
	body        string
	status      int
}

func TestOpenAPI_Responses(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		a := loadAPIContract(t)
		app := newTestApp(t, dialect)
		deadline := app.Clock.Now().Add(10 * 24 * time.Hour)
		letter := app.openStatement(t, "the-letter", func(s *signon.Statement) {
			s.ClosesAt, s.AllowIndividuals = &deadline, true
		})
		pubSeed(t, app, letter,
			pubSignature{Org: "Alpha", Country: "US", Region: "US-TX", City: "Austin", Website: "https://alpha.example.org"},
			pubSignature{Org: "Bravo", Country: "MX", Region: "MX-CHH"},
			pubSignature{Org: "Charlie", Country: "GT"},
			pubSignature{Name: "Rosa Individual", Country: "US", Region: "US-NM", Individual: true},
			pubSignature{Org: "Delta Pending", Country: "US", Region: "US-TX", Status: signon.SignaturePending})
		if err := app.DB.SaveTranslation(context.Background(), letter.ID, &signon.StatementText{
			Language: "es", Title: "La carta", Summary: "Breve.", Body: "Pedimos **dignidad**.",
		}, letter.CreatedBy); err != nil {
			t.Fatal(err)
		}
		app.openStatement(t, "the-response", func(s *signon.Statement) {
			s.Kind, s.RespondsToID = signon.KindResponse, &letter.ID
		})
		quiet := app.openStatement(t, "quiet", func(s *signon.Statement) { s.Visibility = signon.VisibleOnPublished })
		pubSeed(t, app, quiet, pubSignature{Org: "Hidden", Country: "US", Region: "US-TX"})
		final := app.openStatement(t, "final", func(s *signon.Statement) { s.Kind, s.Language = signon.KindStatement, "es" })
		pubSeed(t, app, final, pubSignature{Org: "Echo", Country: "CA", Region: "CA-ON"})
		pubTransition(t, app, final, signon.ActionClose, signon.ActionPublish)
		pubTransition(t, app, app.openStatement(t, "closed-letter"), signon.ActionClose)
		app.openStatement(t, "reviewed", func(s *signon.Statement) { s.Approval = signon.ApprovalAll })
		pubDraft(t, app, "a-draft")

		const jsonType = "application/json"
		sign := func(kv ...any) string { return pubSignJSON(kv...) }
		exchanges := []apiExchange{
			{"Document", "GET", "/openapi.json", "", "", 200},
			{"Statements", "GET", "/statements", "", "", 200},
			{"StatementsSpanish", "GET", "/statements?lang=es", "", "", 200},
			{"Letter", "GET", "/statements/the-letter", "", "", 200},
			{"Response", "GET", "/statements/the-response", "", "", 200},
			{"HiddenSignatories", "GET", "/statements/quiet", "", "", 200},
			{"Published", "GET", "/statements/final", "", "", 200},
			{"Draft", "GET", "/statements/a-draft", "", "", 404},
			{"UnknownSlug", "GET", "/statements/no-such-statement", "", "", 404},
			{"Signatures", "GET", "/statements/the-letter/signatures", "", "", 200},
			{"SignaturesPaged", "GET", "/statements/the-letter/signatures?region=us-tx&page=1&per_page=500&lang=es", "", "", 200},
			{"SignaturesPastTheEnd", "GET", "/statements/the-letter/signatures?page=9&per_page=1", "", "", 200},
			{"SignaturesHidden", "GET", "/statements/quiet/signatures", "", "", 200},
			{"SignaturesPublished", "GET", "/statements/final/signatures", "", "", 200},
			{"SignaturesBadQuery", "GET", "/statements/the-letter/signatures?page=0&per_page=501&region=XX", "", "", 422},
			{"SignaturesBadPage", "GET", "/statements/the-letter/signatures?page=abc", "", "", 422},
			{"SignaturesSearched", "GET", "/statements/the-letter/signatures?q=+%C3%A1lpha+&region=US-TX", "", "", 200},
			{"SignaturesSearchedHidden", "GET", "/statements/quiet/signatures?q=hidden", "", "", 200},
			{"SignaturesLongSearch", "GET", "/statements/the-letter/signatures?q=" + strings.Repeat("x", 201), "", "", 422},
			{"SignaturesControlInSearch", "GET", "/statements/the-letter/signatures?q=a%00b", "", "", 422},
			{"SignaturesUnknownSlug", "GET", "/statements/nope/signatures", "", "", 404},
			{"Export", "GET", "/statements/the-letter/signatures.json?lang=es", "", "", 200},
			{"ExportPublished", "GET", "/statements/final/signatures.json", "", "", 200},
			{"ExportHidden", "GET", "/statements/quiet/signatures.json", "", "", 403},
			{"ExportUnknownSlug", "GET", "/statements/nope/signatures.json", "", "", 404},
			{"Record", "GET", "/statements/final/record", "", "", 200},
			{"RecordNotPublished", "GET", "/statements/the-letter/record", "", "", 404},
			{"RecordUnknownSlug", "GET", "/statements/nope/record", "", "", 404},
			{"Stats", "GET", "/statements/the-letter/stats", "", "", 200},
			{"StatsSpanish", "GET", "/statements/the-letter/stats?lang=es", "", "", 200},
			{"StatsHidden", "GET", "/statements/quiet/stats", "", "", 200},
			{"StatsUnknownSlug", "GET", "/statements/nope/stats", "", "", 404},
			{"Sign", "POST", "/statements/the-letter/signatures", jsonType, sign(), 201},
			{"SignAsIndividual", "POST", "/statements/the-letter/signatures", jsonType,
				sign("signer_type", "individual", "organization", nil, "email", "rosa@example.org", "country", "MX", "region", "mx-chh"), 201},
			{"SignOutsideNorthAmerica", "POST", "/statements/the-letter/signatures", jsonType,
				sign("organization", "Grupo Guatemala", "email", "gt@example.org", "country", "gt", "region", nil, "website", "gt.example.org"), 201},
			{"SignMinimal", "POST", "/statements/the-letter/signatures", jsonType,
				`{"organization": "Minimal", "signer_name": "Min", "email": "min@example.org", "region": "US-CA", "authorized": true}`, 201},
			{"SignPending", "POST", "/statements/reviewed/signatures", "application/json; charset=utf-8", sign(), 201},
			{"Malformed", "POST", "/statements/the-letter/signatures", jsonType, `{"organization": "Casa`, 400},
			{"UnknownField", "POST", "/statements/the-letter/signatures", jsonType, sign("status", "approved"), 400},
			{"SignUnknownSlug", "POST", "/statements/nope/signatures", jsonType, sign(), 404},
			{"SignDraft", "POST", "/statements/a-draft/signatures", jsonType, sign(), 404},
			{"Duplicate", "POST", "/statements/the-letter/signatures", jsonType, sign("organization", "CASA DE LA RAZA, INC.", "email", "otro@example.org"), 409},
			{"NotOpen", "POST", "/statements/closed-letter/signatures", jsonType, sign(), 409},
			{"TooLarge", "POST", "/statements/the-letter/signatures", jsonType, sign("city", strings.Repeat("x", 70<<10)), 413},
			{"NotJSON", "POST", "/statements/the-letter/signatures", "text/plain", sign(), 415},
			{"Empty", "POST", "/statements/the-letter/signatures", jsonType, `{}`, 422},
			{"MissingAuthority", "POST", "/statements/the-letter/signatures", jsonType, sign("authorized", nil), 422},
			{"AuthorityDenied", "POST", "/statements/the-letter/signatures", jsonType, sign("authorized", false), 422},
			{"InvalidFields", "POST", "/statements/the-letter/signatures", jsonType, sign("email", "ana@", "country", "CA", "website", "ftp://x.org"), 422},
		}
		c := app.client(t)
		for _, e := range exchanges {
			t.Run(e.name, func(t *testing.T) {
				res := a.call(t, c, e.method, e.target, e.contentType, e.body)
				if res.Status != e.status {
					t.Errorf("%s %s: status %d, want %d; body %s", e.method, e.target, res.Status, e.status, res.Body)
				}
				if e.name == "Document" && res.Body != string(a.raw) {
					t.Errorf("GET /openapi.json is not openapi.json")
				}
			})
		}

		// The change log, for a coordinator's API token (api_changes.go).
		t.Run("Changes", func(t *testing.T) {
			ctx := context.Background()
			const token = "signon_openapi-test-token"
			sum := sha256.Sum256([]byte(token))
			acct, err := app.DB.AccountByEmail(ctx, "author-the-letter@example.org")
			if err != nil {
				t.Fatal(err)
			}
			tok, err := signon.NewAPIToken(signon.APITokenInput{Name: "OpenAPI"}, acct.ID, hex.EncodeToString(sum[:]), app.Clock.Now())
			if err != nil {
				t.Fatal(err)
			}
			if err := app.DB.CreateAPIToken(ctx, tok); err != nil {
				t.Fatal(err)
			}
			storetest.WaitForChanges(t, app.DBURL)
			withToken, anonymous, stranger := app.client(t), app.client(t), app.client(t)
			withToken.bearer, stranger.bearer = token, "signon_no-such-token"
			for _, e := range []struct {
				name   string
				c      *testClient
				target string
				status int
			}{
				{"FromTheBeginning", withToken, "/statements/the-letter/signatures?since=", 200},
				{"Paged", withToken, "/statements/the-letter/signatures?since=&limit=2&lang=es", 200},
				{"Statement", withToken, "/statements/final/signatures?since=", 200},
				{"FromACursor", withToken, "/statements/the-letter/signatures?since=" + (signon.ChangeCursor{ID: 3}).String(), 200},
				{"PublicWithToken", withToken, "/statements/the-letter/signatures", 200},
				{"MalformedCursor", withToken, "/statements/the-letter/signatures?since=not-a-cursor", 400},
				{"LimitTooLarge", withToken, "/statements/the-letter/signatures?since=&limit=1001", 422},
				{"UnknownSlug", withToken, "/statements/nope/signatures?since=", 404},
				{"NoToken", anonymous, "/statements/the-letter/signatures?since=", 401},
				{"UnknownToken", stranger, "/statements/the-letter/signatures?since=", 401},
			} {
				t.Run(e.name, func(t *testing.T) {
					res := a.call(t, e.c, "GET", e.target, "", "")
					if res.Status != e.status {
						t.Errorf("GET %s: status %d, want %d; body %s", e.target, res.Status, e.status, res.Body)
					}
				})
			}
		})

		t.Run("TooManyRequests", func(t *testing.T) {
			limited := newTestApp(t, dialect, func(c *server.Config) { c.SignLimit = 1 })
			limited.openStatement(t, "limited")
			c := limited.client(t)
			for _, want := range []int{201, 429} {
				body := sign("organization", fmt.Sprintf("Group %d", want), "email", fmt.Sprintf("g%d@example.org", want))
				if res := a.call(t, c, "POST", "/statements/limited/signatures", jsonType, body); res.Status != want {
					t.Errorf("status %d, want %d; body %s", res.Status, want, res.Body)
				}
			}
		})

		// With the database gone, every operation that reads it fails as
		// documented, without details.
		t.Run("Internal", func(t *testing.T) {
			if err := app.DB.Close(); err != nil {
				t.Fatal(err)
			}
			for _, e := range []apiExchange{
				{"Statements", "GET", "/statements", "", "", 500},
				{"Statement", "GET", "/statements/the-letter", "", "", 500},
				{"Signatures", "GET", "/statements/the-letter/signatures", "", "", 500},
				{"Stats", "GET", "/statements/the-letter/stats", "", "", 500},
				{"Export", "GET", "/statements/the-letter/signatures.json", "", "", 500},
				{"Record", "GET", "/statements/final/record", "", "", 500},
				{"Sign", "POST", "/statements/the-letter/signatures", jsonType, sign("organization", "After the end"), 500},
			} {
				res := a.call(t, c, e.method, e.target, e.contentType, e.body)
				if res.Status != e.status {
					t.Errorf("%s %s: status %d, want %d; body %s", e.method, e.target, res.Status, e.status, res.Body)
				}
				if strings.Contains(res.Body, "database") || strings.Contains(res.Body, "sql") {
					t.Errorf("%s %s leaks details: %s", e.method, e.target, res.Body)
				}
			}
		})

		t.Run("EveryDocumentedAnswer", func(t *testing.T) {
			// A download is turned away only after waiting ten seconds for
			// one of the slots other downloads hold: producing that here
			// would make this a test of timing.
			if missing := a.unanswered("GET /statements/{slug}/signatures.json 429"); len(missing) > 0 {
				t.Errorf("documented answers no exchange produced (add one above): %v", missing)
			}
		})
	})
}
