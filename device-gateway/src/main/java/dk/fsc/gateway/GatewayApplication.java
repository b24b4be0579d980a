package dk.fsc.gateway;

import io.micronaut.runtime.Micronaut;

/** Runs the device gateway on its own (config in application-gateway.yml); the service can also host it. */
public final class GatewayApplication {
    private GatewayApplication() {
    }

    public static void main(String[] args) {
        Micronaut.build(args).mainClass(GatewayApplication.class).defaultEnvironments("gateway").start();
    }
}
