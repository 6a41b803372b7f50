//! `aws_eip`: an Elastic IP address, optionally associated with an instance or network
//! interface.

use crate::prelude::*;
use aws_sdk_ec2::types::{Address, DomainType, ResourceType as Kind};

/// The `aws_eip` resource type.
pub struct AwsEip;

/// The arguments that choose the association.
const ASSOCIATION: [&str; 3] = ["instance", "network_interface", "associate_with_private_ip"];

/// The DNS name AWS gives an IP address: `ec2-1-2-3-4.compute-1.amazonaws.com` (public) or
/// `ip-10-0-0-1.ec2.internal` (private) in us-east-1, the regional forms elsewhere.
pub fn dns_name(region: &str, ip: &str, public: bool) -> String {
    if ip.is_empty() {
        return String::new();
    }
    let dashed = ip.replace('.', "-");
    match (public, region) {
        (true, "us-east-1") => format!("ec2-{dashed}.compute-1.amazonaws.com"),
        (true, r) => format!("ec2-{dashed}.{r}.compute.amazonaws.com"),
        (false, "us-east-1") => format!("ip-{dashed}.ec2.internal"),
        (false, r) => format!("ip-{dashed}.{r}.compute.internal"),
    }
}

/// Associates the address with the planned instance or network interface (retrying while
/// a new instance is not yet associable), then waits until AWS reports the association.
async fn associate(c: &AwsClient, id: &str, planned: &Value) -> Result<(), AwsError> {
    let instance = get_str(planned, "instance");
    let eni = get_str(planned, "network_interface");
    if instance.is_none() && eni.is_none() {
        return Ok(());
    }
    let send = || {
        c.ec2
            .associate_address()
            .allocation_id(id)
            .set_instance_id(instance.filter(|_| eni.is_none()).map(str::to_string))
            .set_network_interface_id(eni.map(str::to_string))
            .set_private_ip_address(
                get_str(planned, "associate_with_private_ip").map(str::to_string),
            )
            .send()
    };
    let transient = |e: &AwsError| {
        e.code == "IncorrectInstanceState" || e.code == "InvalidInstanceID" || e.is_not_found()
    };
    retry(c.wait, || async { send().await.aws() }, transient).await?;
    c.wait_until("EIP associated", || async {
        let a = AwsEip.describe(c, vec![id.to_string()]).await?;
        Ok(a.first().is_some_and(|(_, a)| a.association_id().is_some()))
    })
    .await
}

/// Removes the address's association, if any; an association already gone is fine.
async fn disassociate(c: &AwsClient, association_id: &str) -> Result<(), AwsError> {
    if association_id.is_empty() {
        return Ok(());
    }
    done_if_gone(
        c.ec2
            .disassociate_address()
            .association_id(association_id)
            .send()
            .await
            .aws(),
    )
}

#[async_trait]
impl Ec2Describe for AwsEip {
    type Item = Address;

    async fn describe(&self, c: &AwsClient, ids: Vec<String>) -> Described<Address> {
        let out = c
            .ec2
            .describe_addresses()
            .filters(filter("allocation-id", ids))
            .send()
            .await
            .aws()?;
        Ok(keyed(
            out.addresses().iter().cloned(),
            Address::allocation_id,
        ))
    }
}

#[async_trait]
impl Ec2Kind for AwsEip {
    fn state_of(&self, c: &AwsClient, prior: &Value, a: &Address) -> Value {
        let id = a.allocation_id().unwrap_or_default();
        let public_ip = a.public_ip().unwrap_or_default();
        let private_ip = a.private_ip_address().unwrap_or_default();
        let domain = a.domain().map_or("vpc", DomainType::as_str);
        let pool = a.customer_owned_ipv4_pool().unwrap_or_default();
        let o = Obj::from(prior);
        echo_optional(
            o,
            prior,
            "customer_owned_ipv4_pool",
            Value::string(pool),
            pool.is_empty(),
        )
        .str("id", id)
        .str("allocation_id", id)
        .str("arn", c.arn("ec2", &format!("elastic-ip/{id}")))
        .str("association_id", a.association_id().unwrap_or_default())
        .str("domain", domain)
        .bool("vpc", domain == "vpc")
        .str("instance", a.instance_id().unwrap_or_default())
        .str(
            "network_interface",
            a.network_interface_id().unwrap_or_default(),
        )
        .str("public_ip", public_ip)
        .str("private_ip", private_ip)
        .str("public_dns", dns_name(&c.region, public_ip, true))
        .str("private_dns", dns_name(&c.region, private_ip, false))
        .str("carrier_ip", a.carrier_ip().unwrap_or_default())
        .str(
            "customer_owned_ip",
            a.customer_owned_ip().unwrap_or_default(),
        )
        .str("public_ipv4_pool", a.public_ipv4_pool().unwrap_or_default())
        .str(
            "network_border_group",
            a.network_border_group().unwrap_or(&c.region),
        )
        .str("ptr_record", "")
        .finish()
    }

    fn schema(&self) -> ResourceSchema {
        let s = || Attribute::computed(Type::String);
        let oc = Attribute::optional_computed;
        let block = Block::new()
            .attr("allocation_id", s())
            .attr("association_id", s())
            .attr("carrier_ip", s())
            .attr("customer_owned_ip", s())
            .attr("private_dns", s())
            .attr("private_ip", s())
            .attr("public_dns", s())
            .attr("public_ip", s())
            .attr("ptr_record", s())
            .attr("address", Attribute::optional(Type::String).force_new())
            .attr(
                "associate_with_private_ip",
                Attribute::optional(Type::String),
            )
            .attr(
                "customer_owned_ipv4_pool",
                Attribute::optional(Type::String).force_new(),
            )
            .attr("domain", oc(Type::String).force_new())
            .attr("instance", oc(Type::String))
            .attr("network_interface", oc(Type::String))
            .attr("network_border_group", oc(Type::String).force_new())
            .attr("public_ipv4_pool", oc(Type::String).force_new())
            .attr(
                "vpc",
                oc(Type::Bool)
                    .force_new()
                    .describe("deprecated: use domain"),
            );
        ResourceSchema { version: 0, block }
    }

    fn plan(&self, p: PlanCtx<'_>) -> Result<PlanResponse, Diagnostics> {
        let (prior, config) = (p.req.prior, p.req.proposed);
        let mut pc = p.planned;
        let Some(p) = prior.filter(|_| pc.requires_replace.is_empty()) else {
            return Ok(pc);
        };
        // Moving the association gives it a new ID and private address; the target not
        // configured (instance or interface) follows from the other.
        if ASSOCIATION.iter().any(|a| changed(p, &pc.planned, a)) {
            let follow = ["instance", "network_interface"];
            let computed = ["association_id", "private_ip", "private_dns"];
            for name in follow
                .iter()
                .filter(|n| get(config, n).is_none())
                .chain(&computed)
            {
                pc.planned = with_attr(&pc.planned, name, Value::Unknown(Type::String));
            }
        }
        Ok(pc)
    }

    async fn create(&self, c: &AwsClient, planned: &Value, ctx: &ChangeCtx<'_>) -> Applied {
        const ACT: &str = "creating EC2 EIP";
        let vpc = get_bool(planned, "vpc");
        let domain = get_str(planned, "domain")
            .or(vpc.map(|v| if v { "vpc" } else { "standard" }))
            .unwrap_or("vpc");
        let opt = |name: &str| get_str(planned, name).map(str::to_string);
        let out = c
            .ec2
            .allocate_address()
            .domain(DomainType::from(domain))
            .set_address(opt("address"))
            .set_public_ipv4_pool(opt("public_ipv4_pool"))
            .set_network_border_group(opt("network_border_group"))
            .set_customer_owned_ipv4_pool(opt("customer_owned_ipv4_pool"))
            .tag_specifications(create_tag_spec(Kind::ElasticIp, planned, ctx.token))
            .send()
            .await
            .aws()
            .or_apply(ACT)?;
        let id = out.allocation_id().unwrap_or_default();
        let made = Obj::from(planned).str("id", id).into_value();
        settle(ACT, &made, async {
            c.wait_until("EIP visible", || async {
                Ok(!AwsEip.describe(c, vec![id.to_string()]).await?.is_empty())
            })
            .await?;
            associate(c, id, planned).await
        })
        .await?;
        Ok(made)
    }

    async fn update(&self, c: &AwsClient, ch: Change<'_>) -> Updated {
        let (prior, planned) = (ch.prior, ch.planned);
        const ACT: &str = "updating EC2 EIP";
        let id = str_or_empty(prior, "id");
        let moved = ASSOCIATION.iter().any(|a| changed(prior, planned, a));
        if moved {
            disassociate(c, str_or_empty(prior, "association_id"))
                .await
                .or_apply(ACT)?;
            associate(c, id, planned).await.or_apply(ACT)?;
        }
        Ok(())
    }

    async fn delete(&self, c: &AwsClient, id: &str, _prior: &Value) -> Updated {
        const ACT: &str = "deleting EC2 EIP";
        // The association may have changed since the last refresh: ask AWS.
        let current = AwsEip
            .describe(c, vec![id.to_string()])
            .await
            .or_apply(ACT)?;
        let Some((_, addr)) = current.first() else {
            return Ok(());
        };
        disassociate(c, addr.association_id().unwrap_or_default())
            .await
            .or_apply(ACT)?;
        done_if_gone(c.ec2.release_address().allocation_id(id).send().await.aws()).or_apply(ACT)
    }
}
