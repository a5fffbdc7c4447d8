/*
 * Parse Jenkinsfiles with the real Groovy parser and dump a generic AST as JSON.
 *
 * Input  (stdin, UTF-8): JSON array of {"name": String, "text": String}.
 * Output (stdout, UTF-8): JSON array, one entry per input, in order:
 *   {"name", "ok": Boolean, "errors": [{"line","column","message"}],
 *    "statements": [Node...], "methods": [{"name","line","body":[Node...]}], "classes": [String]}
 *
 * Safety: each file goes through SourceUnit.parse() + SourceUnit.convert() only, i.e. the
 * PARSING and CONVERSION phases of Groovy. No CompilationUnit is used, so no AST
 * transformation runs (not even global ones such as @Grab, which would otherwise run in the
 * CONVERSION phase and could download), no class is generated, nothing is loaded or executed.
 *
 * Node shapes (everything else is {"expr": <AST class simple name>, "text": ...}):
 *   method call  {"call": name, "args": [..], "named": {k: v}?, "closure": [stmts]?, "receiver": Node?, "line", "column"}
 *                (the trailing closure argument goes to "closure"; a Groovy named-argument
 *                 list `foo(a: 1)` / `foo a: 1` goes to "named")
 *   string       a JSON string: a constant string exactly as Groovy reads it ('...', "..." without $,
 *                '''...''', slashy strings without $)
 *   GString      {"gstring": [ {"text": "..."} | {"interpolated": Node, "source": text}, ... ]}
 *                (parts in source order; empty constant parts are dropped)
 *   other const  number / boolean / null
 *   variable     {"var": name}
 *   property     {"property": name, "object": Node}   (a.b)
 *   list         [ ... ]
 *   map          {"map": {key: value}}                 (non-constant keys are rendered with their text)
 *   closure      {"closure": [stmts], "params": [names]}   (a closure that is not a trailing argument)
 *   binary       {"op": "=", "left": Node, "right": Node}
 *   declaration  {"declare": name, "value": Node}       (def x = ...)
 *   statements   {"stmt": "if", "condition", "then": [..], "else": [..]} ; {"stmt": "return", "value"} ;
 *                {"stmt": <class>, "text"} for the rest.
 */
import groovy.json.JsonOutput
import groovy.json.JsonSlurper
import org.codehaus.groovy.ast.ModuleNode
import org.codehaus.groovy.ast.expr.*
import org.codehaus.groovy.ast.stmt.*
import org.codehaus.groovy.control.CompilerConfiguration
import org.codehaus.groovy.control.ErrorCollector
import org.codehaus.groovy.control.SourceUnit
import org.codehaus.groovy.control.messages.ExceptionMessage
import org.codehaus.groovy.control.messages.SimpleMessage
import org.codehaus.groovy.control.messages.SyntaxErrorMessage

def pos(node, Map m) {
    if (node != null && node.lineNumber > 0) {
        m.line = node.lineNumber
        m.column = node.columnNumber
    }
    m
}

def stmts(Statement s) {
    if (s == null) return []
    if (s instanceof BlockStatement) return s.statements.collect { stmt(it) }
    [stmt(s)]
}

def stmt(Statement s) {
    if (s instanceof ExpressionStatement) return expr(s.expression)
    if (s instanceof BlockStatement) return [stmt: 'block', body: stmts(s)]
    if (s instanceof IfStatement) {
        return pos(s, [stmt: 'if', condition: expr(s.booleanExpression.expression), then: stmts(s.ifBlock),
                       'else': (s.elseBlock instanceof EmptyStatement ? [] : stmts(s.elseBlock))])
    }
    if (s instanceof ReturnStatement) return pos(s, [stmt: 'return', value: expr(s.expression)])
    if (s instanceof TryCatchStatement) {
        return pos(s, [stmt: 'try', body: stmts(s.tryStatement),
                       catches: s.catchStatements.collect { [param: it.variable.name, body: stmts(it.code)] },
                       'finally': stmts(s.finallyStatement)])
    }
    if (s instanceof EmptyStatement) return [stmt: 'empty']
    pos(s, [stmt: s.getClass().simpleName, text: s.text])
}

def key(Expression k) {
    (k instanceof ConstantExpression) ? String.valueOf(k.value) : k.text
}

def mapOf(MapExpression m) {
    def out = new LinkedHashMap()
    m.mapEntryExpressions.each { out[key(it.keyExpression)] = expr(it.valueExpression) }
    out
}

def call(String name, Expression receiver, Expression arguments, node) {
    def m = [call: name, args: []]
    if (receiver != null) m.receiver = expr(receiver)
    List<Expression> list = []
    if (arguments instanceof ArgumentListExpression || arguments instanceof TupleExpression) {
        list = arguments.expressions
    } else if (arguments != null) {
        list = [arguments]
    }
    list.eachWithIndex { Expression a, int i ->
        if (a instanceof NamedArgumentListExpression || (a instanceof MapExpression && arguments instanceof TupleExpression && !(arguments instanceof ArgumentListExpression))) {
            m.named = (m.named ?: new LinkedHashMap()) + mapOf((MapExpression) a)
        } else if (a instanceof ClosureExpression && i == list.size() - 1) {
            m.closure = stmts(a.code)
            if (a.parameters != null && a.parameters.length > 0) m.closureParams = a.parameters.collect { it.name }
        } else {
            m.args << expr(a)
        }
    }
    pos(node, m)
}

def expr(Expression e) {
    if (e == null) return null
    if (e instanceof MethodCallExpression) {
        def recv = e.implicitThis ? null : e.objectExpression
        return call(e.methodAsString ?: e.method.text, recv, e.arguments, e)
    }
    if (e instanceof StaticMethodCallExpression) return call(e.method, null, e.arguments, e)
    if (e instanceof ConstructorCallExpression) {
        def m = call('new', null, e.arguments, e); m.type = e.type.name; return m
    }
    if (e instanceof GStringExpression) {
        // Strings and values alternate in source order: s0 v0 s1 v1 ... sN (constant parts may be empty).
        def parts = []
        def strings = e.strings
        def values = e.values
        for (int i = 0; i < Math.max(strings.size(), values.size()); i++) {
            if (i < strings.size() && strings[i].value != '') parts << [text: strings[i].value]
            if (i < values.size()) parts << [interpolated: expr(values[i]), source: values[i].text]
        }
        return pos(e, [gstring: parts])
    }
    if (e instanceof ConstantExpression) {
        def v = e.value
        if (v == null || v instanceof String || v instanceof Boolean) return v
        if (v instanceof Character) return String.valueOf(v)
        if (v instanceof Number) {
            if (v instanceof BigDecimal || v instanceof Double || v instanceof Float) return [number: v.toString()]
            return v
        }
        return [constant: String.valueOf(v)]
    }
    if (e instanceof VariableExpression) return [var: e.name]
    if (e instanceof DeclarationExpression) {
        def left = e.leftExpression
        return pos(e, [declare: (left instanceof VariableExpression ? left.name : left.text), value: expr(e.rightExpression)])
    }
    if (e instanceof BinaryExpression) return pos(e, [op: e.operation.text, left: expr(e.leftExpression), right: expr(e.rightExpression)])
    if (e instanceof PropertyExpression) return [property: e.propertyAsString ?: e.property.text, object: expr(e.objectExpression)]
    if (e instanceof ListExpression) return e.expressions.collect { expr(it) }
    if (e instanceof MapExpression) return [map: mapOf(e)]
    if (e instanceof ClosureExpression) {
        def m = [closure: stmts(e.code)]
        if (e.parameters != null && e.parameters.length > 0) m.params = e.parameters.collect { it.name }
        return pos(e, m)
    }
    if (e instanceof NotExpression) return [op: '!', operand: expr(e.expression)]
    if (e instanceof BooleanExpression) return expr(e.expression)
    if (e instanceof TernaryExpression && !(e instanceof ElvisOperatorExpression)) {
        return [op: '?:', condition: expr(e.booleanExpression.expression), then: expr(e.trueExpression), 'else': expr(e.falseExpression)]
    }
    if (e instanceof ClassExpression) return [classRef: e.type.name]
    pos(e, [expr: e.getClass().simpleName, text: e.text])
}

def errorsOf(ErrorCollector ec) {
    def out = []
    (ec.errors ?: []).each { msg ->
        if (msg instanceof SyntaxErrorMessage) {
            def c = msg.cause
            out << [line: c.startLine, column: c.startColumn, message: c.originalMessage ?: c.message]
        } else if (msg instanceof ExceptionMessage) {
            out << [message: String.valueOf(msg.cause?.message ?: msg.cause)]
        } else if (msg instanceof SimpleMessage) {
            out << [message: msg.message]
        } else {
            out << [message: String.valueOf(msg)]
        }
    }
    out
}

def dumpOne(String name, String text) {
    def config = new CompilerConfiguration()
    config.tolerance = 100 // collect several syntax errors where the parser can recover
    def su = new SourceUnit(name, text, config, null, new ErrorCollector(config))
    def res = [name: name, ok: true, errors: [], statements: [], methods: [], classes: []]
    try {
        su.parse()
        su.completePhase()
        su.nextPhase()
        su.convert()
        ModuleNode module = su.AST
        res.statements = stmts(module.statementBlock)
        res.methods = module.methods.collect { pos(it, [name: it.name, params: it.parameters.collect { p -> p.name }, body: stmts(it.code)]) }
        res.classes = module.classes.findAll { !it.script }.collect { it.name }
    } catch (org.codehaus.groovy.control.CompilationFailedException ex) {
        res.ok = false
    } catch (Throwable t) {
        res.ok = false
        res.errors << [message: t.toString()]
    }
    def errs = errorsOf(su.errorCollector)
    if (errs) { res.ok = false; res.errors.addAll(0, errs) }
    if (!res.ok && res.errors.isEmpty()) res.errors << [message: 'parse failed']
    res
}

def input = new JsonSlurper().parse(new InputStreamReader(System.in, 'UTF-8'))
def out = new OutputStreamWriter(System.out, 'UTF-8')
out.write('[')
input.eachWithIndex { f, i ->
    if (i > 0) out.write(',\n')
    out.write(JsonOutput.toJson(dumpOne((String) f.name, (String) f.text)))
}
out.write(']\n')
out.flush()
