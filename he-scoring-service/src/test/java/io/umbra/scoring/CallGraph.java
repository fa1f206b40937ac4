package io.umbra.scoring;

import com.tngtech.archunit.core.domain.AccessTarget;
import com.tngtech.archunit.core.domain.JavaAccess;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaConstructor;
import com.tngtech.archunit.core.domain.JavaMethod;
import com.tngtech.archunit.core.domain.JavaModifier;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * What code can run, starting from some classes: a call graph by rapid type analysis over the
 * bytecode ArchUnit imported. Edges are method and constructor calls, method and constructor
 * references and lambda bodies (ArchUnit files a lambda's accesses under the method that holds it),
 * plus the static initializer of every class touched. A virtual or interface call goes to the
 * overriding method of every class that reachable code instantiates and that is a subtype of the
 * call's owner; a class, once instantiated, also gets the methods library code may call back on it
 * (every method it implements for a supertype outside {@code io.umbra}: {@code run}, {@code equals},
 * {@code toString}, ...). Members Jackson calls by reflection ({@code @JsonCreator} and the like)
 * are roots. Code outside {@code io.umbra} is not descended into: it cannot name the scoring zone's
 * forbidden classes, and its callbacks into ours are covered as above.
 *
 * <p>Each access from a reachable code unit is shown to a {@code rule}; what the rule names is a
 * finding, with the path from a root that led there.
 */
final class CallGraph {
    private static final String OURS = "io.umbra.";
    private static final List<String> OBJECT_CALLBACKS = List.of("toString", "equals", "hashCode", "finalize", "clone");

    /** One forbidden access found, with the chain of code units from a root to the unit that makes it. */
    record Finding(String access, List<String> path) {
        @Override
        public String toString() {
            return access + "\n    reached by: " + String.join("\n      <- ", path.reversed());
        }
    }

    private record VirtualCall(JavaClass owner, String name, List<String> parameters, JavaCodeUnit from) {
    }

    private final Function<AccessTarget, String> rule;
    private final Map<JavaCodeUnit, JavaCodeUnit> cameFrom = new LinkedHashMap<>();
    private final Deque<JavaCodeUnit> work = new ArrayDeque<>();
    private final Set<JavaClass> instantiated = new LinkedHashSet<>();
    private final List<VirtualCall> virtualCalls = new ArrayList<>();
    private final List<Finding> findings = new ArrayList<>();

    /**
     * @param rule what an access must not reach: a description of why, or null when the access is allowed
     */
    private CallGraph(Function<AccessTarget, String> rule) {
        this.rule = rule;
    }

    /** Everything reachable from every code unit of {@code roots} (taken as instantiated: CDI creates them). */
    static CallGraph from(JavaClasses classes, Collection<JavaClass> roots, Function<AccessTarget, String> rule) {
        CallGraph g = new CallGraph(rule);
        for (JavaClass root : roots) {
            for (JavaCodeUnit unit : root.getCodeUnits()) {
                g.reach(unit, null);
            }
            g.instantiate(root, null);
        }
        for (JavaClass c : classes) {
            if (!c.getName().startsWith(OURS) || isTestCode(c)) {
                continue;
            }
            for (JavaCodeUnit unit : c.getCodeUnits()) {
                if (unit.getAnnotations().stream().anyMatch(a -> a.getRawType().getPackageName().startsWith("com.fasterxml.jackson"))) {
                    g.reach(unit, null); // Jackson calls these by reflection
                    if (unit instanceof JavaConstructor) {
                        g.instantiate(c, null);
                    }
                }
            }
        }
        g.run();
        return g;
    }

    /** Whether {@code c} was compiled from test sources (a module's target/test-classes). */
    static boolean isTestCode(JavaClass c) {
        return c.getSource().map(s -> s.getUri().toString().contains("/test-classes/")).orElse(false);
    }

    List<Finding> findings() {
        return findings;
    }

    /** Whether {@code fullName} (ArchUnit's {@code Owner.method(Params)}) is reachable. */
    boolean reaches(String fullName) {
        return cameFrom.keySet().stream().anyMatch(u -> u.getFullName().equals(fullName));
    }

    /** Whether some reachable code unit's full name starts with {@code prefix} (e.g. {@code Owner.method}). */
    boolean reachesAnyOf(String prefix) {
        return cameFrom.keySet().stream().anyMatch(u -> u.getFullName().startsWith(prefix + "("));
    }

    int size() {
        return cameFrom.size();
    }

    private void run() {
        while (!work.isEmpty()) {
            JavaCodeUnit unit = work.pop();
            for (JavaAccess<?> access : unit.getAccessesFromSelf()) {
                follow(unit, access);
            }
        }
    }

    private void follow(JavaCodeUnit from, JavaAccess<?> access) {
        AccessTarget target = access.getTarget();
        String why = rule.apply(target);
        if (why != null) {
            findings.add(new Finding(why + ": " + access.getDescription(), path(from)));
        }
        JavaClass owner = target.getOwner();
        if (!owner.getName().startsWith(OURS)) {
            return;
        }
        owner.getStaticInitializer().ifPresent(init -> reach(init, from));
        if (target instanceof AccessTarget.ConstructorCallTarget || target instanceof AccessTarget.ConstructorReferenceTarget) {
            ((AccessTarget.CodeUnitAccessTarget) target).resolveMember().ifPresent(c -> reach(c, from));
            instantiate(owner, from);
        } else if (target instanceof AccessTarget.MethodCallTarget || target instanceof AccessTarget.MethodReferenceTarget) {
            AccessTarget.CodeUnitAccessTarget call = (AccessTarget.CodeUnitAccessTarget) target;
            Optional<? extends JavaCodeUnit> resolved = call.resolveMember();
            resolved.filter(m -> !m.getModifiers().contains(JavaModifier.ABSTRACT)).ifPresent(m -> reach(m, from));
            boolean dispatched = resolved.map(m -> !m.getModifiers().contains(JavaModifier.STATIC)
                    && !m.getModifiers().contains(JavaModifier.PRIVATE)).orElse(true);
            if (dispatched) {
                VirtualCall site = new VirtualCall(owner, call.getName(), names(call.getRawParameterTypes()), from);
                virtualCalls.add(site);
                for (JavaClass c : List.copyOf(instantiated)) {
                    dispatch(c, site);
                }
            }
        }
    }

    /** Virtual and interface calls can now land on {@code c}'s overrides; library code can call its callbacks. */
    private void instantiate(JavaClass c, JavaCodeUnit from) {
        if (!c.getName().startsWith(OURS) || !instantiated.add(c)) {
            return;
        }
        for (VirtualCall site : List.copyOf(virtualCalls)) {
            dispatch(c, site);
        }
        Set<JavaClass> supertypes = new LinkedHashSet<>(c.getAllRawSuperclasses());
        supertypes.addAll(c.getAllRawInterfaces());
        for (JavaClass s : supertypes) {
            if (s.getName().startsWith(OURS)) {
                continue;
            }
            for (JavaMethod m : s.getMethods()) {
                if (!m.getModifiers().contains(JavaModifier.STATIC) && !m.getModifiers().contains(JavaModifier.PRIVATE)) {
                    implementation(c, m.getName(), names(m.getRawParameterTypes())).ifPresent(impl -> reach(impl, from));
                }
            }
        }
        for (String name : OBJECT_CALLBACKS) {
            for (JavaMethod m : c.getMethods()) {
                if (m.getName().equals(name)) {
                    reach(m, from);
                }
            }
        }
    }

    private void dispatch(JavaClass c, VirtualCall site) {
        if (c.isAssignableTo(site.owner().getName())) {
            implementation(c, site.name(), site.parameters()).ifPresent(impl -> reach(impl, site.from()));
        }
    }

    /** The method a call of {@code name(parameters)} on an instance of {@code c} runs: declared in c or inherited. */
    private static Optional<JavaMethod> implementation(JavaClass c, String name, List<String> parameters) {
        for (JavaClass k = c; k != null; k = k.getRawSuperclass().orElse(null)) {
            for (JavaMethod m : k.getMethods()) {
                if (m.getName().equals(name) && names(m.getRawParameterTypes()).equals(parameters)
                        && !m.getModifiers().contains(JavaModifier.ABSTRACT)) {
                    return Optional.of(m);
                }
            }
        }
        // a default method of an interface
        for (JavaClass i : c.getAllRawInterfaces()) {
            for (JavaMethod m : i.getMethods()) {
                if (m.getName().equals(name) && names(m.getRawParameterTypes()).equals(parameters)
                        && !m.getModifiers().contains(JavaModifier.ABSTRACT)) {
                    return Optional.of(m);
                }
            }
        }
        return Optional.empty();
    }

    private void reach(JavaCodeUnit unit, JavaCodeUnit from) {
        if (!cameFrom.containsKey(unit)) {
            cameFrom.put(unit, from);
            work.push(unit);
        }
    }

    private List<String> path(JavaCodeUnit unit) {
        List<String> path = new ArrayList<>();
        for (JavaCodeUnit u = unit; u != null && path.size() < 64; u = cameFrom.get(u)) {
            path.add(u.getFullName());
        }
        return path.reversed();
    }

    private static List<String> names(List<JavaClass> types) {
        return types.stream().map(JavaClass::getName).toList();
    }
}
