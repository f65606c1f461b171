package io.iotpipeline.access;

import java.util.List;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

class JolokiaPolicyTest {

    private final JolokiaPolicy policy = new JolokiaPolicy(3);
    private final ObjectMapper json = new ObjectMapper();

    private String post(String body) throws Exception {
        return policy.refusalOfPost(json.readTree(body));
    }

    @Test
    void operationsOnPatternsAreRefusedWhateverTheOperation() throws Exception {
        assertNotNull(post("{\"type\":\"exec\",\"mbean\":\"org.apache.camel:context=iot-pipeline,type=routes,name=\\\"progress\\\",*\","
                + "\"operation\":\"stop()\"}"));
        assertNotNull(post("{\"type\":\"exec\",\"mbean\":\"com.sun.management:type=DiagnosticCommand,*\",\"operation\":\"x\"}"));
        assertNotNull(post("{\"type\":\"exec\",\"mbean\":\"org.apache.camel:context=*,type=context,name=x\",\"operation\":\"x\"}"));
        assertNotNull(post("{\"type\":\"exec\",\"mbean\":\"not a name\",\"operation\":\"x\"}"));
        assertNull(post("{\"type\":\"exec\",\"mbean\":\"org.apache.camel:context=iot-pipeline,type=context,name=\\\"iot-pipeline\\\"\","
                + "\"operation\":\"dumpRoutesAsXml()\"}"), "one named MBean goes on to Jolokia's allow-list");
    }

    @Test
    void onlyReadOnlyRequestTypesPass() throws Exception {
        for (String type : List.of("write", "notification", "config", "")) {
            assertNotNull(post("{\"type\":\"" + type + "\",\"mbean\":\"java.lang:type=Memory\"}"), type);
        }
        for (String type : List.of("read", "list", "search", "version")) {
            assertNull(post("{\"type\":\"" + type + "\",\"mbean\":\"java.lang:type=Memory\"}"), type);
        }
        assertNotNull(post("\"read\""));
        assertNotNull(post("[1]"));
    }

    @Test
    void bulkCallsAreCappedAndEachPartIsChecked() throws Exception {
        String read = "{\"type\":\"read\",\"mbean\":\"java.lang:type=Memory\"}";
        assertNull(post("[" + read + "," + read + "," + read + "]"));
        assertEquals("4 requests in one call, at most 3 are accepted (auth.jolokia.maxRequestsPerCall)",
                post("[" + read + "," + read + "," + read + "," + read + "]"));
        assertNotNull(post("[" + read + ",{\"type\":\"exec\",\"mbean\":\"a:b=c,*\",\"operation\":\"x\"}]"));
    }

    @Test
    void getRequestsAreCheckedLikePostedOnes() {
        assertNull(policy.refusalOfGet("/read/java.lang:type=Memory/HeapMemoryUsage", false));
        assertNull(policy.refusalOfGet("", false));
        assertNull(policy.refusalOfGet("/exec/org.apache.camel:context=iot-pipeline,type=context,name=%22iot-pipeline%22"
                + "/dumpRoutesAsXml()", false));
        assertNotNull(policy.refusalOfGet("/exec/org.apache.camel:context=iot-pipeline,type=routes,name=%22ingest%22,*/stop()", false));
        assertNotNull(policy.refusalOfGet("/exec/org.apache.camel:context=iot-pipeline,type=routes,name=x,%2A/stop()", false));
        assertNotNull(policy.refusalOfGet("/write/java.lang:type=Memory/Verbose/true", false));
        assertNotNull(policy.refusalOfGet("/read/java.lang:type=Memory", true), "the p= form");
        assertEquals(List.of("exec", "a:b=c/d", "op!"), JolokiaPolicy.pathElements("exec/a:b=c!/d/op!!"));
    }
}
