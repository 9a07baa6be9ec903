package auth

import "html/template"

var loginTmpl = template.Must(template.New("login").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>qyzmet — log in</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body style="font-family:sans-serif;max-width:28rem;margin:4rem auto">
<h1>qyzmet</h1>
{{if .Msg}}<p role="alert" id="login-error">{{.Msg}}</p>{{end}}
<form method="post" action="/login">
<label>Key <input type="password" name="key" id="key" autocomplete="off" required></label>
<input type="hidden" name="next" value="{{.Next}}">
<button type="submit" id="login">Log in</button>
</form>
<p>The demo server prints its demo keys when it starts.</p>
</body></html>
`))
