package dev.mpibatch.launcher;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.function.Consumer;

/**
 * SDK clients that answer from a script, for what no emulator here does (moto makes no per-node jobs {@code id#N}
 * and never holds a job in RUNNABLE). A call the script does not answer goes to {@code fallback} (a real client on
 * moto), or fails.
 */
final class ScriptedClients {
    private ScriptedClients() {
    }

    /** Answers one call: the method's name and its request (built, also for the Consumer-of-builder overloads). */
    @FunctionalInterface
    interface Answer {
        /** The response, or {@link #PASS} to send the call to the fallback. */
        Object answer(String method, Object request);
    }

    /** What an {@link Answer} returns to let the fallback client answer. */
    static final Object PASS = new Object();

    static <T> T proxy(Class<T> type, Answer answer) {
        return proxy(type, answer, null);
    }

    static <T> T proxy(Class<T> type, Answer answer, T fallback) {
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (p, method, args) -> {
            if (method.getName().equals("close")) {
                return null;
            }
            Object request = args == null ? null : args[0];
            if (request instanceof Consumer<?> consumer) {
                request = build(type, method, consumer);
            }
            Object response = answer.answer(method.getName(), request);
            if (response != PASS) {
                return response;
            }
            if (fallback == null) {
                throw new UnsupportedOperationException(method.getName() + " is not scripted");
            }
            try {
                return method.invoke(fallback, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        }));
    }

    private static Object build(Class<?> client, Method method, Consumer<?> consumer) throws Exception {
        String name = client.getPackageName() + ".model." + Character.toUpperCase(method.getName().charAt(0))
                + method.getName().substring(1) + "Request";
        Method builderMethod = Class.forName(name).getMethod("builder");
        Object builder = builderMethod.invoke(null);
        @SuppressWarnings("unchecked")
        Consumer<Object> c = (Consumer<Object>) consumer;
        c.accept(builder);
        return builderMethod.getReturnType().getMethod("build").invoke(builder);
    }
}
